using System.Globalization;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Records;

namespace OaiRouter.Host.Config;

/// <summary>
/// The one place where the seed's flat environment names (also read from <c>.env</c>) land on the
/// options. A name that is set wins over the options' appsettings section.
/// </summary>
internal static class SeedSettings
{
    /// <summary>Every name the router reads, for documentation and tests.</summary>
    public static readonly string[] Names =
    [
        "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "DEFAULT_TEXT_MODEL", "VISION_MODEL", "LOG_FILE_PATH",
        "DATABASE_URL", "OPENROUTER_REFERER", "OPENROUTER_X_TITLE", "ROUTER_API_KEYS", "ASPNETCORE_URLS",
        "MAX_REQUEST_BODY_BYTES", "UPSTREAM_TIMEOUT_SECONDS", "UPSTREAM_MAX_ATTEMPTS", "MODELS_CACHE_SECONDS",
        "SHUTDOWN_TIMEOUT_SECONDS", "LOG_FILE_MAX_BYTES", "LOG_FILE_COUNT", "CONSOLE_LOG_LEVEL", "RECORD_BODY_MAX_BYTES",
    ];

    public static void Apply(IConfiguration config, OpenRouterOptions o)
    {
        config.GetSection(OpenRouterOptions.Section).Bind(o);
        Set(config, "OPENROUTER_API_KEY", v => o.ApiKey = v);
        Set(config, "OPENROUTER_BASE_URL", v => o.BaseUrl = v);
        Set(config, "DEFAULT_TEXT_MODEL", v => o.DefaultTextModel = v);
        Set(config, "VISION_MODEL", v => o.VisionModel = v);
        Set(config, "OPENROUTER_REFERER", v => o.Referer = v);
        Set(config, "OPENROUTER_X_TITLE", v => o.XTitle = v);
        Set(config, "UPSTREAM_TIMEOUT_SECONDS", v => o.TimeoutSeconds = Number(v));
        Set(config, "UPSTREAM_MAX_ATTEMPTS", v => o.MaxAttempts = (int)Number(v, integer: true));
        Set(config, "MODELS_CACHE_SECONDS", v => o.ModelsCacheSeconds = Number(v));
    }

    public static void Apply(IConfiguration config, RouterOptions o)
    {
        config.GetSection(RouterOptions.Section).Bind(o);
        Set(config, "ROUTER_API_KEYS", v => o.ApiKeys = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
        Set(config, "MAX_REQUEST_BODY_BYTES", v => o.MaxRequestBodyBytes = (long)Number(v, integer: true));
        Set(config, "LOG_FILE_PATH", v => o.LogFilePath = v);
        Set(config, "LOG_FILE_MAX_BYTES", v => o.LogFileMaxBytes = (long)Number(v, integer: true));
        Set(config, "LOG_FILE_COUNT", v => o.LogFileCount = (int)Number(v, integer: true));
        Set(config, "DATABASE_URL", v => o.DatabaseUrl = v);
        Set(config, "SHUTDOWN_TIMEOUT_SECONDS", v => o.ShutdownTimeoutSeconds = Number(v));
        Set(config, "CONSOLE_LOG_LEVEL", v => o.ConsoleLogLevel = Enum.TryParse<Serilog.Events.LogEventLevel>(v, true, out var level)
            ? level : (Serilog.Events.LogEventLevel)(-1));
    }

    public static void Apply(IConfiguration config, RecordOptions o)
    {
        config.GetSection(RecordOptions.Section).Bind(o);
        Set(config, "RECORD_BODY_MAX_BYTES", v => o.BodyMaxBytes = (int)Math.Min(int.MaxValue, Number(v, integer: true)));
    }

    private static void Set(IConfiguration config, string name, Action<string> apply)
    {
        var value = config[name];
        if (value is not null)
        {
            apply(value.Trim());
        }
    }

    /// <summary>An unreadable number becomes NaN/-1, which the validators reject by the setting's name.</summary>
    private static double Number(string value, bool integer = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && (!integer || n == Math.Floor(n))
            ? n
            : -1;
}

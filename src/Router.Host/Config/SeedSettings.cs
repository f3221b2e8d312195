using System.Globalization;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Records;
using OaiRouter.Media;

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
        "BODY_RETENTION_DAYS", "METADATA_RETENTION_DAYS",
        "MEDIA_ALLOW_PRIVATE_NETWORKS", "MEDIA_MAX_IMAGE_BYTES", "MEDIA_MAX_VIDEO_BYTES", "MEDIA_IMAGE_MAX_SIDE",
        "MEDIA_MAX_IMAGE_PIXELS", "MEDIA_IMAGE_JPEG_QUALITY", "MEDIA_FETCH_TIMEOUT_SECONDS", "MEDIA_MAX_REDIRECTS",
        "MEDIA_CACHE_DIR", "MEDIA_CACHE_MAX_BYTES", "MEDIA_MAX_VIDEO_SECONDS", "MEDIA_MAX_FRAMES", "MEDIA_MAX_ITEMS_PER_REQUEST",
        "WHISPER_MODEL_PATH", "WHISPER_LANGUAGE", "WHISPER_THREADS", "MEDIA_SCENE_THRESHOLD", "MEDIA_FRAME_MAX_SIDE",
        "MEDIA_FRAME_DUPLICATE_DISTANCE", "YTDLP_PATH", "FFMPEG_FOLDER", "MEDIA_VIDEO_DOWNLOAD_TIMEOUT_SECONDS",
        "MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS", "MEDIA_TRANSCRIBE_TIMEOUT_SECONDS", "MEDIA_VIDEO_WORK_DIR",
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
        Set(config, "BODY_RETENTION_DAYS", v => o.BodyRetentionDays = (int)Number(v, integer: true));
        Set(config, "METADATA_RETENTION_DAYS", v => o.MetadataRetentionDays = (int)Number(v, integer: true));
        Set(config, "CONSOLE_LOG_LEVEL", v => o.ConsoleLogLevel = Enum.TryParse<Serilog.Events.LogEventLevel>(v, true, out var level)
            ? level : (Serilog.Events.LogEventLevel)(-1));
    }

    public static void Apply(IConfiguration config, RecordOptions o)
    {
        config.GetSection(RecordOptions.Section).Bind(o);
        Set(config, "RECORD_BODY_MAX_BYTES", v => o.BodyMaxBytes = (int)Math.Min(int.MaxValue, Number(v, integer: true)));
    }

    /// <summary>The media names (see <see cref="MediaOptions"/>'s XML docs for each default).</summary>
    public static void Apply(IConfiguration config, MediaOptions o)
    {
        config.GetSection(MediaOptions.SectionName).Bind(o);
        Set(config, "MEDIA_ALLOW_PRIVATE_NETWORKS", v => o.AllowPrivateNetworks = Flag("MEDIA_ALLOW_PRIVATE_NETWORKS", v));
        Set(config, "MEDIA_MAX_IMAGE_BYTES", v => o.MaxImageBytes = (long)Number(v, integer: true));
        Set(config, "MEDIA_MAX_VIDEO_BYTES", v => o.MaxVideoBytes = (long)Number(v, integer: true));
        Set(config, "MEDIA_IMAGE_MAX_SIDE", v => o.ImageMaxSide = (int)Number(v, integer: true));
        Set(config, "MEDIA_MAX_IMAGE_PIXELS", v => o.MaxImagePixels = (long)Number(v, integer: true));
        Set(config, "MEDIA_IMAGE_JPEG_QUALITY", v => o.JpegQuality = (int)Number(v, integer: true));
        Set(config, "MEDIA_FETCH_TIMEOUT_SECONDS", v => o.FetchTimeoutSeconds = (int)Number(v, integer: true));
        Set(config, "MEDIA_MAX_REDIRECTS", v => o.MaxRedirects = (int)Number(v, integer: true));
        Set(config, "MEDIA_CACHE_DIR", v => o.CacheDir = v);
        Set(config, "MEDIA_CACHE_MAX_BYTES", v => o.CacheMaxBytes = (long)Number(v, integer: true));
        Set(config, "MEDIA_MAX_VIDEO_SECONDS", v => o.MaxVideoSeconds = (int)Number(v, integer: true));
        Set(config, "MEDIA_MAX_FRAMES", v => o.MaxFrames = (int)Number(v, integer: true));
        Set(config, "MEDIA_MAX_ITEMS_PER_REQUEST", v => o.MaxItemsPerRequest = (int)Number(v, integer: true));
        Set(config, "WHISPER_MODEL_PATH", v => o.WhisperModelPath = v.Length == 0 ? null : v);
        Set(config, "WHISPER_LANGUAGE", v => o.WhisperLanguage = v);
        Set(config, "WHISPER_THREADS", v => o.WhisperThreads = (int)Number(v, integer: true));
        Set(config, "MEDIA_SCENE_THRESHOLD", v => o.SceneThreshold = Number(v));
        Set(config, "MEDIA_FRAME_MAX_SIDE", v => o.FrameMaxSide = (int)Number(v, integer: true));
        Set(config, "MEDIA_FRAME_DUPLICATE_DISTANCE", v => o.FrameDuplicateDistance = (int)Number(v, integer: true));
        Set(config, "YTDLP_PATH", v => o.YtDlpPath = v);
        Set(config, "FFMPEG_FOLDER", v => o.FfmpegFolder = v);
        Set(config, "MEDIA_VIDEO_DOWNLOAD_TIMEOUT_SECONDS", v => o.VideoDownloadTimeoutSeconds = (int)Number(v, integer: true));
        Set(config, "MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS", v => o.VideoStageTimeoutSeconds = (int)Number(v, integer: true));
        Set(config, "MEDIA_TRANSCRIBE_TIMEOUT_SECONDS", v => o.TranscribeTimeoutSeconds = (int)Number(v, integer: true));
        Set(config, "MEDIA_VIDEO_WORK_DIR", v => o.VideoWorkDir = v.Length == 0 ? null : v);
    }

    /// <summary>true/false (also 1/0, yes/no); anything else stops the start with the setting's name.</summary>
    private static bool Flag(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" or "" => false,
        _ => throw new InvalidOperationException($"{name} must be true or false (got '{value}')."),
    };

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

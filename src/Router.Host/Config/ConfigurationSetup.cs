using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Records;

namespace OaiRouter.Host.Config;

internal static class ConfigurationSetup
{
    public const string DefaultUrls = "http://127.0.0.1:8000";

    /// <summary>Options from the seed's names, validated when the host starts.</summary>
    public static WebApplicationBuilder AddRouterConfiguration(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<OpenRouterOptions>().Configure<IConfiguration>((o, c) => SeedSettings.Apply(c, o)).ValidateOnStart();
        services.AddOptions<RouterOptions>().Configure<IConfiguration>((o, c) => SeedSettings.Apply(c, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpenRouterOptions>, OpenRouterOptionsValidator>();
        services.AddSingleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>();
        services.AddOptions<RecordOptions>().Configure<IConfiguration>((o, c) => SeedSettings.Apply(c, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RecordOptions>, RecordOptionsValidator>();
        // Every sink (log, ledger, UI) masks the upstream key and the client keys through this one redactor.
        services.AddSingleton(sp => new SecretRedactor(
            [sp.GetRequiredService<IOptions<OpenRouterOptions>>().Value.ApiKey, .. sp.GetRequiredService<IOptions<RouterOptions>>().Value.ApiKeys]));
        services.AddSingleton<RequestRecorder>();

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RouterOptions>>((k, r) =>
        {
            k.Limits.MaxRequestBodySize = r.Value.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });

        var router = new RouterOptions();
        SeedSettings.Apply(builder.Configuration, router);
        if (router.ShutdownTimeoutSeconds > 0)
        {
            services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(router.ShutdownTimeoutSeconds));
        }

        // ASPNETCORE_URLS (or --urls) when given, else loopback on 8000.
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }
        return builder;
    }
}

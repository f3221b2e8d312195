using OaiRouter.Host.Config;
using OaiRouter.Host.Endpoints;
using OaiRouter.Host.Logging;
using OaiRouter.Host.Security;

namespace OaiRouter.Host;

/// <summary>The composition root: what Program runs and what the tests start on 127.0.0.1:0.</summary>
public static class RouterApp
{
    /// <param name="overrides">Configuration added last (highest precedence); tests use it.</param>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? overrides = null)
    {
        DotEnvFile.Load(Directory.GetCurrentDirectory());
        // appsettings files are read once: their watcher on the content root woke on every write
        // of the log and the database beside them (4% of the router's CPU at low load).
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.AddRouterConfiguration()
            .AddRouterLogging()
            .AddRouterUpstream()
            .AddRouterMedia()
            .AddRouterActors();
        builder.Services.AddSingleton<ClientKeys>();
        builder.Services.AddSingleton<ClientKeyFilter>();
        builder.Services.AddScoped<CompletionServices>();
        builder.Services.AddHostedService<StartupNotices>();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.MapRouterEndpoints();
        return app;
    }
}

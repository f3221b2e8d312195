using Akka.Hosting;
using OaiRouter.Actors;
using OaiRouter.Actors.Ledger;
using OaiRouter.Tracking.Projection;
using OaiRouter.Tracking.Ui;
using OaiRouter.Host.Endpoints;

namespace OaiRouter.Host.Config;

internal static class ActorSetup
{
    /// <summary>The actor system, configured from router.hocon, with the router's actors registered.</summary>
    public static WebApplicationBuilder AddRouterActors(this WebApplicationBuilder builder)
    {
        var hocon = RouterHocon.Load(builder.Configuration[RouterHocon.PathVariable]);
        var ledger = RecordSetup.LedgerSettingsFrom(builder.Configuration);
        builder.Services.AddSingleton(new ActorSettings(RouterHocon.AskTimeout(hocon)));
        builder.Services.AddSingleton(new LedgerBacklog());
        var router = new RouterOptions();
        SeedSettings.Apply(builder.Configuration, router);
        // The tracking UI reads the projection's table in the same file, behind the same client keys.
        builder.Services.AddTrackingUi(new TrackingUiOptions { ConnectionString = ledger.ConnectionString, ApiKeys = router.ApiKeys });
        builder.Services.AddAkka("oai-router", (akka, services) =>
        {
            akka.AddHocon(hocon, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddRouterLedger(ledger)
                .AddLedgerProjection(ledger)
                .AddRouterActors(services);
        });
        return builder;
    }
}

using Akka.Hosting;
using OaiRouter.Actors;
using OaiRouter.Host.Endpoints;

namespace OaiRouter.Host.Config;

internal static class ActorSetup
{
    /// <summary>The actor system, configured from router.hocon, with the router's actors registered.</summary>
    public static WebApplicationBuilder AddRouterActors(this WebApplicationBuilder builder)
    {
        var hocon = RouterHocon.Load(builder.Configuration[RouterHocon.PathVariable]);
        builder.Services.AddSingleton(new ActorSettings(RouterHocon.AskTimeout(hocon)));
        builder.Services.AddAkka("oai-router", (akka, services) =>
        {
            akka.AddHocon(hocon, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddRouterActors(services);
        });
        return builder;
    }
}

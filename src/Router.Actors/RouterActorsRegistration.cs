using Akka.Actor;
using Akka.Hosting;
using Akka.Routing;
using Microsoft.Extensions.DependencyInjection;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Records;
using OaiRouter.Actors.Requests;

namespace OaiRouter.Actors;

/// <summary>The production actor wiring, shared by the host and the actor tests.</summary>
public static class RouterActorsRegistration
{
    /// <summary>Pool sizes come from <c>akka.actor.deployment</c> in router.hocon.</summary>
    public static AkkaConfigurationBuilder AddRouterActors(this AkkaConfigurationBuilder builder, IServiceProvider services) =>
        builder.WithActors((system, registry) =>
        {
            var client = services.GetRequiredService<OpenRouterClient>();
            var forwarder = system.ActorOf(
                Props.Create(() => new OpenRouterForwarderActor(client)).WithRouter(FromConfig.Instance),
                "openrouter-forwarder");
            registry.Register<OpenRouterForwarderActor>(forwarder);

            var recorder = services.GetRequiredService<RequestRecorder>();
            var coordinator = system.ActorOf(Props.Create(() => new RequestCoordinatorActor(forwarder, recorder)), "requests");
            registry.Register<RequestCoordinatorActor>(coordinator);
        });
}

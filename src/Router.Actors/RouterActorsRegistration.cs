using Akka.Actor;
using Akka.Hosting;
using Akka.Routing;
using Microsoft.Extensions.DependencyInjection;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Media;
using OaiRouter.Actors.Records;
using OaiRouter.Actors.Requests;

namespace OaiRouter.Actors;

/// <summary>The production actor wiring, shared by the host and the actor tests.</summary>
public static class RouterActorsRegistration
{
    /// <summary>
    /// Pool sizes come from <c>akka.actor.deployment</c> in router.hocon, the media stages' parallelism and queue
    /// sizes from <c>oai-router.media</c>. The media stages are always started (they are idle without media
    /// work); request actors use them when <see cref="MediaServices"/> is registered.
    /// </summary>
    public static AkkaConfigurationBuilder AddRouterActors(this AkkaConfigurationBuilder builder, IServiceProvider services) =>
        builder.WithActors((system, registry) =>
        {
            var client = services.GetRequiredService<OpenRouterClient>();
            var forwarder = system.ActorOf(
                Props.Create(() => new OpenRouterForwarderActor(client)).WithRouter(FromConfig.Instance),
                "openrouter-forwarder");
            registry.Register<OpenRouterForwarderActor>(forwarder);

            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            var config = system.Settings.Config;
            registry.Register<MediaDownloadsStage>(system.ActorOf(
                MediaStageActor.Props(MediaStageSettings.From(config, MediaStageSettings.Downloads), time), "media-downloads"));
            registry.Register<MediaTranscriptionsStage>(system.ActorOf(
                MediaStageActor.Props(MediaStageSettings.From(config, MediaStageSettings.Transcriptions), time), "media-transcriptions"));
            registry.Register<MediaFramesStage>(system.ActorOf(
                MediaStageActor.Props(MediaStageSettings.From(config, MediaStageSettings.Frames), time), "media-frames"));

            var recorder = services.GetRequiredService<RequestRecorder>();
            var coordinator = system.ActorOf(Props.Create(() => new RequestCoordinatorActor(forwarder, recorder)), "requests");
            registry.Register<RequestCoordinatorActor>(coordinator);
        });
}

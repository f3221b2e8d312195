using Akka.Actor;
using OaiRouter.Actors.Records;

namespace OaiRouter.Actors.Requests;

/// <summary>Spawns one <see cref="CompletionRequestActor"/> per request and forwards the ask to it.</summary>
public sealed class RequestCoordinatorActor : ReceiveActor
{
    public RequestCoordinatorActor(IActorRef forwarder, RequestRecorder recorder)
    {
        Receive<HandleCompletion>(m =>
        {
            var child = Context.ActorOf(CompletionRequestActor.Props(m.Request, forwarder, recorder), m.Request.Id.Value);
            child.Forward(m);
        });
    }

    /// <summary>A request actor that crashes is not restarted: its request has already been answered or failed.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}

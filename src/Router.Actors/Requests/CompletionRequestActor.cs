using Akka.Actor;
using Akka.Event;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Requests;

/// <summary>
/// One request's life: runs its stages (media arrives with the media pipeline), hands it to the
/// forwarder, answers the endpoint and waits to hear how the response ended.
/// </summary>
public sealed class CompletionRequestActor : ReceiveActor
{
    /// <summary>A stream can run for a long time; an actor that never hears back still goes away.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CompletionRequest _request;
    private readonly IActorRef _forwarder;
    private CancellationTokenSource? _cancellation;
    private IActorRef _replyTo = ActorRefs.Nobody;

    public CompletionRequestActor(CompletionRequest request, IActorRef forwarder)
    {
        _request = request;
        _forwarder = forwarder;

        Receive<HandleCompletion>(m =>
        {
            _replyTo = Sender;
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(m.Aborted);
            _forwarder.Tell(new ForwardCompletion(_request, _cancellation.Token));
            SetReceiveTimeout(Lifetime);
        });
        Receive<UpstreamResult>(result => _replyTo.Tell(new CompletionReady(Self, result)));
        Receive<Status.Failure>(failure =>
        {
            var cancelled = _cancellation?.IsCancellationRequested == true;
            if (!cancelled)
            {
                _log.Error(failure.Cause, "Forwarding {RequestId} failed", _request.Id.Value);
            }
            var error = RouterErrors.Create(FailureKind.Internal,
                cancelled ? "The request was cancelled." : "The router failed to forward the request.");
            _replyTo.Tell(new CompletionReady(Self, new UpstreamFailed(error, 0, TimeSpan.Zero)));
        });
        Receive<CompletionFinished>(_ => Context.Stop(Self));
        Receive<ReceiveTimeout>(_ => Context.Stop(Self));
    }

    public static Props Props(CompletionRequest request, IActorRef forwarder) =>
        Akka.Actor.Props.Create(() => new CompletionRequestActor(request, forwarder));

    protected override void PostStop()
    {
        _cancellation?.Cancel();
        _cancellation?.Dispose();
    }
}

using Akka.Actor;
using Akka.Event;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Records;

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
    private readonly RequestRecorder _recorder;
    private CancellationTokenSource? _cancellation;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private UpstreamResult? _result;
    private bool _recorded;

    public CompletionRequestActor(CompletionRequest request, IActorRef forwarder, RequestRecorder recorder)
    {
        _request = request;
        _forwarder = forwarder;
        _recorder = recorder;

        Receive<HandleCompletion>(m =>
        {
            _replyTo = Sender;
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(m.Aborted);
            _recorder.Received(_request);
            _forwarder.Tell(new ForwardCompletion(_request, _cancellation.Token));
            SetReceiveTimeout(Lifetime);
        });
        Receive<UpstreamResult>(result =>
        {
            _result = result;
            _replyTo.Tell(new CompletionReady(Self, result));
        });
        Receive<Status.Failure>(failure =>
        {
            var cancelled = _cancellation?.IsCancellationRequested == true;
            if (!cancelled)
            {
                _log.Error(failure.Cause, "Forwarding {RequestId} failed", _request.Id.Value);
            }
            var error = RouterErrors.Create(FailureKind.Internal,
                cancelled ? "The request was cancelled." : "The router failed to forward the request.");
            _result = new UpstreamFailed(error, 0, TimeSpan.Zero);
            _replyTo.Tell(new CompletionReady(Self, _result));
            if (cancelled)
            {
                // The endpoint has gone; nobody will tell us how it ended.
                Record(new RequestOutcome(499, "cancelled", "The client went away before the answer.", null, null, null, null,
                    null, 0, DateTimeOffset.UtcNow - _request.ReceivedAt, null, null, 0, true));
                Context.Stop(Self);
            }
        });
        Receive<CompletionFinished>(m =>
        {
            Record(m.Outcome);
            Context.Stop(Self);
        });
        Receive<ReceiveTimeout>(_ => Context.Stop(Self));
    }

    public static Props Props(CompletionRequest request, IActorRef forwarder, RequestRecorder recorder) =>
        Akka.Actor.Props.Create(() => new CompletionRequestActor(request, forwarder, recorder));

    private void Record(RequestOutcome outcome)
    {
        if (_recorded)
        {
            return;
        }
        _recorded = true;
        try
        {
            _recorder.Finished(_request, outcome, _result, _request.ReceivedAt + outcome.Total);
        }
        catch (Exception ex)
        {
            // The record must never take a request down; the log still says what happened.
            _log.Error(ex, "Recording {RequestId} failed", _request.Id.Value);
        }
    }

    protected override void PostStop()
    {
        _cancellation?.Cancel();
        _cancellation?.Dispose();
    }
}

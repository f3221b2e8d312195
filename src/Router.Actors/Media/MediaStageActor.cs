using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using OaiRouter.Actors.Metrics;

namespace OaiRouter.Actors.Media;

/// <summary>
/// One throttled media stage (downloads, transcriptions or frames) for the whole router: an Akka.Streams
/// <c>Source.Queue</c> with <see cref="OverflowStrategy.DropNew"/> feeding <c>SelectAsyncUnordered</c>, so at most
/// <see cref="MediaStageSettings.Parallelism"/> works run and <see cref="MediaStageSettings.QueueSize"/> wait. A work
/// offered past that is refused at once with <see cref="MediaStageBusy"/>, and its request gets 503 with
/// <c>Retry-After</c> instead of waiting without bound. Results go straight to each work's requester.
/// </summary>
public sealed class MediaStageActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly MediaStageSettings _settings;
    private readonly TimeProvider _time;
    private readonly QueueDepth _depth;
    private ISourceQueueWithComplete<Queued>? _queue;

    public MediaStageActor(MediaStageSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _depth = new QueueDepth(settings.Name);

        Receive<MediaWork>(work =>
        {
            _depth.Add(1);
            var queued = new Queued(work, _time.GetTimestamp());
            _queue!.OfferAsync(queued).PipeTo(Self,
                success: result => new Offered(queued, result),
                failure: cause => new Offered(queued, new QueueOfferResult.Failure(cause)));
        });
        Receive<Offered>(offered =>
        {
            if (offered.Result is QueueOfferResult.Enqueued)
            {
                return;
            }

            // Dropped (full) or the stream is gone (shutting down): either way the work will not run.
            _depth.Add(-1);
            offered.Queued.Work.Release?.Invoke();
            if (offered.Result is not QueueOfferResult.Dropped)
            {
                _log.Warning("Media stage {Stage} refused work: {Result}", _settings.Name, offered.Result);
            }

            offered.Queued.Work.ReplyTo.Tell(new MediaStageBusy(_settings.Name, _settings.RetryAfter));
        });
    }

    /// <summary>Props for one stage; the pool sizes come from router.hocon through <paramref name="settings"/>.</summary>
    public static Props Props(MediaStageSettings settings, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new MediaStageActor(settings, time));

    protected override void PreStart()
    {
        // The stream lives and dies with this actor (its materializer is the actor's context). The works run
        // outside the actor, so they only see these two thread-safe values, never the actor's state.
        var depth = _depth;
        var time = _time;
        _queue = Source.Queue<Queued>(_settings.QueueSize, OverflowStrategy.DropNew)
            .SelectAsyncUnordered(_settings.Parallelism, queued => RunAsync(queued, depth, time))
            .To(Sink.Ignore<bool>())
            .Run(Context.Materializer());
    }

    protected override void PostStop() => _queue?.Complete();

    /// <summary>Runs one work off the stream's thread and tells its requester; never throws, so the stream never fails.</summary>
    private static async Task<bool> RunAsync(Queued queued, QueueDepth depth, TimeProvider time)
    {
        depth.Add(-1);
        var work = queued.Work;
        var waited = time.GetElapsedTime(queued.EnqueuedAt);
        if (work.Cancellation.IsCancellationRequested)
        {
            // Its request is gone: skip it, and let the next one have the slot.
            work.Release?.Invoke();
            work.ReplyTo.Tell(new MediaWorkFailed(work.Tag, new OperationCanceledException(work.Cancellation), waited, TimeSpan.Zero));
            return false;
        }

        var started = time.GetTimestamp();
        try
        {
            var result = await Task.Run(() => work.Run(work.Cancellation), work.Cancellation).ConfigureAwait(false);
            var ran = time.GetElapsedTime(started);
            RouterMetrics.MediaStage.WithLabels(work.Label).Observe(ran.TotalSeconds);
            work.ReplyTo.Tell(new MediaWorkDone(work.Tag, result, waited, ran));
            return true;
        }
        catch (Exception e)
        {
            var ran = time.GetElapsedTime(started);
            RouterMetrics.MediaStage.WithLabels(work.Label).Observe(ran.TotalSeconds);
            work.ReplyTo.Tell(new MediaWorkFailed(work.Tag, e, waited, ran));
            return false;
        }
        finally
        {
            work.Release?.Invoke();
        }
    }

    private sealed record Queued(MediaWork Work, long EnqueuedAt);

    private sealed record Offered(Queued Queued, IQueueOfferResult Result);

    /// <summary>Works offered and not yet started, shown as <c>oai_router_media_queue_depth{stage}</c>.</summary>
    private sealed class QueueDepth(string stage)
    {
        private int _value;

        public void Add(int delta)
        {
            var now = Interlocked.Add(ref _value, delta);
            RouterMetrics.MediaQueueDepth.WithLabels(stage).Set(Math.Max(0, now));
        }
    }
}

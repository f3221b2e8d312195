using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Event;
using Akka.Hosting;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Media;
using OaiRouter.Actors.Records;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Actors.Requests;

/// <summary>
/// One request's life: runs its media stages when the body may hold media (detection, image and video children,
/// see <see cref="MediaJob"/>), hands the request, rewritten when it carried media, to the forwarder, answers the
/// endpoint and waits to hear how the response ended. A media failure answers the client without forwarding.
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
    private CancellationTokenSource? _mediaCancellation;
    private CancellationTokenRegistration _clientGone;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private UpstreamResult? _result;
    private MediaServices? _media;
    private MediaStages? _stages;
    private MediaJob? _job;
    private long _mediaStarted;
    private TimeSpan? _mediaTime;
    private bool _answerAsLegacy;
    private bool _mediaFailed;
    private bool _received;
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
            SetReceiveTimeout(Lifetime);
            if (MediaJob.MayHoldMedia(_request.Body.Span) && MediaWiring() is { } wiring)
            {
                StartMedia(wiring.Media, wiring.Stages, m.Aborted);
                return;
            }

            EnsureReceived();
            Forward(_request);
        });
        Receive<MediaDetected>(m => Act(_job!.OnDetected(m)));
        Receive<ModelCatalogLoaded>(m => Act(_job!.OnModelCatalog(m.Modalities)));
        Receive<ImageResolved>(m => Act(_job!.OnImage(m)));
        Receive<VideoResolved>(m => Act(_job!.OnVideo(m)));
        Receive<MediaItemFailed>(m =>
        {
            if (m.Cause is not MediaFailure && !_job!.Finished)
            {
                _log.Error(m.Cause, "Media for {RequestId} failed unexpectedly at {Url}", _request.Id.Value, m.Url);
            }
            Act(_job!.OnFailure(m));
        });
        Receive<MediaStageBusy>(m =>
        {
            _log.Warning("Media stage {Stage} is full; {RequestId} answered 503", m.Stage, _request.Id.Value);
            Act(_job!.OnBusy(m));
        });
        // A child stopped by cancellation: either the client went away (ClientWentAway follows) or the media was
        // already given up on.
        Receive<MediaItemCancelled>(_ => { });
        Receive<ClientWentAway>(_ =>
        {
            if (_job is { Finished: false } || _mediaFailed)
            {
                EndMedia();
                EnsureReceived();
                RecordCancelled();
            }
        });
        Receive<UpstreamResult>(result =>
        {
            _result = _answerAsLegacy ? LegacyAnswerAdapter.Adapt(result) : result;
            Ready();
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
            Ready();
            if (cancelled)
            {
                RecordCancelled();
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

    /// <summary>A media child that crashes fails its request (500) instead of being restarted to fetch again.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        Self.Tell(new MediaItemFailed("", cause));
        return Directive.Stop;
    });

    /// <summary>The media services and stages, when the host registered them (hosts without media skip the stages).</summary>
    private (MediaServices Media, MediaStages Stages)? MediaWiring()
    {
        MediaServices? media;
        try
        {
            media = DependencyResolver.For(Context.System).Resolver.GetService<MediaServices>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return null; // an actor system without DI
        }

        var registry = ActorRegistry.For(Context.System);
        return media is not null
            && registry.TryGet<MediaDownloadsStage>(out var downloads)
            && registry.TryGet<MediaTranscriptionsStage>(out var transcriptions)
            && registry.TryGet<MediaFramesStage>(out var frames)
                ? (media, new MediaStages(downloads, transcriptions, frames))
                : null;
    }

    private void StartMedia(MediaServices media, MediaStages stages, CancellationToken clientAborted)
    {
        _media = media;
        _stages = stages;
        _mediaStarted = media.Time.GetTimestamp();
        _mediaCancellation = CancellationTokenSource.CreateLinkedTokenSource(_cancellation!.Token);
        _job = new MediaJob(_request, media.OpenRouter.CurrentValue.VisionModel, media.Options.MaxItemsPerRequest);
        var self = Self;
        _clientGone = clientAborted.Register(() => self.Tell(ClientWentAway.Instance));

        Context.ActorOf(MediaDetectionActor.Props(media, stages, _mediaCancellation.Token), "media-detection")
            .Tell(new DetectMedia(_request.Body));
        // The model list is only needed when media is found; asking now overlaps it with detection.
        media.Models.GetAsync(_mediaCancellation.Token).PipeTo(Self,
            success: answer => new ModelCatalogLoaded(answer.Models?.InputModalities),
            failure: _ => new ModelCatalogLoaded(null));
    }

    private void Act(MediaStep step)
    {
        switch (step)
        {
            case FetchMedia fetch:
                var stages = _stages!;
                for (var i = 0; i < fetch.Images.Count; i++)
                {
                    Context.ActorOf(ImageFetchActor.Props(_media!, stages, fetch.Images[i], _mediaCancellation!.Token), $"image-{i}");
                }
                for (var i = 0; i < fetch.Videos.Count; i++)
                {
                    var (url, kind) = fetch.Videos[i];
                    Context.ActorOf(VideoDownloadActor.Props(_media!, stages, url, kind, _mediaCancellation!.Token), $"video-{i}");
                }
                break;

            case ForwardWithMedia forward:
                CompletionRequest upstream;
                try
                {
                    var started = _media!.Time.GetTimestamp();
                    upstream = _job!.BuildUpstream();
                    _job.Report.AddStage("rewrite", _media.Time.GetElapsedTime(started));
                }
                catch (Exception ex)
                {
                    _log.Error(ex, "Rewriting {RequestId} with its media failed", _request.Id.Value);
                    FailMedia(RouterErrors.Create(FailureKind.Internal, "The router failed to rewrite the request with its media.",
                        code: "media_internal_error"));
                    break;
                }
                EndMedia();
                _answerAsLegacy = _request.Endpoint == CompletionEndpoint.Legacy;
                EnsureReceived(forward.Routing.Model, forward.Routing.Reason);
                Forward(upstream);
                break;

            case FailWithError fail:
                FailMedia(fail.Error);
                break;

            default:
                if (ReferenceEquals(step, MediaStep.ForwardAsIs))
                {
                    EndMedia();
                    EnsureReceived();
                    Forward(_request);
                }
                break;
        }
    }

    private void FailMedia(RouterError error)
    {
        EndMedia();
        foreach (var child in Context.GetChildren())
        {
            Context.Stop(child);
        }
        EnsureReceived(null, "not forwarded: media failed");
        _mediaFailed = true;
        _result = new UpstreamFailed(error, 0, TimeSpan.Zero);
        Ready();
    }

    private void Ready() => _replyTo.Tell(new CompletionReady(Self, _result!, _mediaTime ?? TimeSpan.Zero));

    /// <summary>The media phase is over: its time is fixed and whatever still runs for it is stopped.</summary>
    private void EndMedia()
    {
        if (_mediaTime is null && _media is not null)
        {
            _mediaTime = _media.Time.GetElapsedTime(_mediaStarted);
        }
        _mediaCancellation?.Cancel();
    }

    private void Forward(CompletionRequest upstream) => _forwarder.Tell(new ForwardCompletion(upstream, _cancellation!.Token));

    private void EnsureReceived(string? modelRouted = null, string? routingReason = null)
    {
        if (_received)
        {
            return;
        }
        _received = true;
        _recorder.Received(_request, modelRouted, routingReason);
    }

    /// <summary>The endpoint has gone; nobody will tell us how it ended.</summary>
    private void RecordCancelled()
    {
        Record(new RequestOutcome(499, "cancelled", "The client went away before the answer.", null, null, null, null,
            null, 0, DateTimeOffset.UtcNow - _request.ReceivedAt, null, null, 0, true));
        Context.Stop(Self);
    }

    private void Record(RequestOutcome outcome)
    {
        if (_recorded)
        {
            return;
        }
        _recorded = true;
        try
        {
            _recorder.Finished(_request, outcome, _result, _request.ReceivedAt + outcome.Total, MediaRecord());
        }
        catch (Exception ex)
        {
            // The record must never take a request down; the log still says what happened.
            _log.Error(ex, "Recording {RequestId} failed", _request.Id.Value);
        }
    }

    /// <summary>The media facts for the record; null when the request carried no media and nothing was probed.</summary>
    private MediaRecord? MediaRecord()
    {
        if (_job is null || (!_job.HasMedia && _job.Report.Probes == 0 && !_mediaFailed))
        {
            return null;
        }
        var total = (_mediaTime ?? _media!.Time.GetElapsedTime(_mediaStarted)).TotalMilliseconds;
        return new MediaRecord(total, _job.Report.ToJson(total));
    }

    protected override void PostStop()
    {
        _clientGone.Dispose();
        _cancellation?.Cancel();
        _cancellation?.Dispose();
        _mediaCancellation?.Dispose();
    }
}

using System.Text.Json;
using Akka.Actor;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Actors.Media;

/// <summary>
/// A request's detection child: finds the media links in the body (<see cref="MediaDetector"/>), then settles
/// the links whose kind the URL does not tell, from the cache when it knows them, else by probing the start of
/// each through the downloads stage. A bare link in text that is not media (or cannot be probed) is left alone;
/// an explicit <c>video_url</c> part that cannot be probed fails the request. Answers <see cref="MediaDetected"/>
/// and stops.
/// </summary>
public sealed class MediaDetectionActor : ReceiveActor
{
    private readonly MediaServices _services;
    private readonly MediaStages _stages;
    private readonly CancellationTokenSource _cancellation;
    private readonly Dictionary<string, MediaKind> _settled = new(StringComparer.Ordinal);
    private readonly List<SkippedLink> _skipped = [];
    private IReadOnlyList<MediaReference> _found = [];
    private IActorRef _replyTo = ActorRefs.Nobody;
    private TimeSpan _detectTime;
    private long _probeStarted;
    private int _probes;
    private int _pending;

    public MediaDetectionActor(MediaServices services, MediaStages stages, CancellationToken requestGone)
    {
        _services = services;
        _stages = stages;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(requestGone);

        Receive<DetectMedia>(Detect);
        Receive<CachesChecked>(OnCachesChecked);
        Receive<MediaWorkDone>(done => Settle((ProbeOutcome)done.Result!));
        Receive<MediaWorkFailed>(failed =>
        {
            var url = (string)failed.Tag!;
            switch (failed.Cause)
            {
                case OperationCanceledException:
                    Finish(new MediaItemCancelled(url));
                    break;
                case MediaFailure failure:
                    Settle(new ProbeOutcome(url, null, failure));
                    break;
                default:
                    Finish(new MediaItemFailed(url, failed.Cause));
                    break;
            }
        });
        Receive<MediaStageBusy>(Finish);
        // Only the cache look-up is piped here; it fails only when the request is cancelled.
        Receive<Status.Failure>(failure => Finish(failure.Cause is OperationCanceledException
            ? new MediaItemCancelled("")
            : new MediaItemFailed(_found.FirstOrDefault()?.Url ?? "", failure.Cause)));
    }

    public static Props Props(MediaServices services, MediaStages stages, CancellationToken requestGone) =>
        Akka.Actor.Props.Create(() => new MediaDetectionActor(services, stages, requestGone));

    protected override void PostStop()
    {
        _cancellation.Cancel();
        _cancellation.Dispose();
    }

    private void Detect(DetectMedia m)
    {
        _replyTo = Sender;
        var started = _services.Time.GetTimestamp();
        try
        {
            using var document = JsonDocument.Parse(m.Body, RequestJson.Options);
            _found = MediaDetector.Detect(document.RootElement);
        }
        catch (JsonException)
        {
            _found = []; // validated before with the same options; unreachable in practice
        }

        _detectTime = _services.Time.GetElapsedTime(started);
        var known = _found.Where(r => r.Kind != MediaKind.Unknown).Select(r => r.Url).Distinct(StringComparer.Ordinal).Count();
        var unknown = _found.Where(r => r.Kind == MediaKind.Unknown).Select(r => r.Url)
            .Distinct(StringComparer.Ordinal)
            .Where(url => _found.All(r => r.Url != url || r.Kind == MediaKind.Unknown))
            .ToList();

        // Probing is a fetch: no more links are probed than the request may hold media items.
        var budget = Math.Max(0, _services.Options.MaxItemsPerRequest - known);
        foreach (var url in unknown.Skip(budget))
        {
            _skipped.Add(new SkippedLink(url, "not probed: MEDIA_MAX_ITEMS_PER_REQUEST reached"));
        }

        unknown = [.. unknown.Take(budget)];
        if (unknown.Count == 0)
        {
            Finish(Result());
            return;
        }

        _probeStarted = _services.Time.GetTimestamp();
        _pending = unknown.Count;
        CheckCachesAsync(unknown, _services, _cancellation.Token).PipeTo(Self);
    }

    /// <summary>
    /// Links seen before are known from the cache's index, without a fetch and without reading
    /// the blob (the image's own actor reads it next).
    /// </summary>
    private static Task<CachesChecked> CheckCachesAsync(List<string> urls, MediaServices services, CancellationToken ct) =>
        Task.Run(() =>
        {
            var known = new Dictionary<string, MediaKind>(StringComparer.Ordinal);
            foreach (var url in urls)
            {
                if (services.Cache.Contains(MediaCache.ImageKey(url, services.Options)))
                {
                    known[url] = MediaKind.Image;
                }
                else if (services.Cache.Contains(services.VideoKey(url)))
                {
                    known[url] = MediaKind.Video;
                }
            }
            return new CachesChecked(urls, known);
        }, ct);

    private void OnCachesChecked(CachesChecked checkedUrls)
    {
        foreach (var url in checkedUrls.Urls)
        {
            if (checkedUrls.Known.TryGetValue(url, out var kind))
            {
                _settled[url] = kind;
                _pending--;
                continue;
            }

            _probes++;
            var probe = _services.Probe;
            _stages.Downloads.Tell(new MediaWork("probe", url,
                async ct =>
                {
                    var result = await probe.ProbeAsync(url, ct).ConfigureAwait(false);
                    return new ProbeOutcome(url, result, null);
                },
                _cancellation.Token, Self));
        }

        if (_pending == 0)
        {
            Finish(Result());
        }
    }

    private void Settle(ProbeOutcome outcome)
    {
        var explicitVideo = _found.Any(r => r.Url == outcome.Url && r.Origin == MediaOrigin.VideoUrlPart);
        if (outcome.Failure is { } failure)
        {
            if (explicitVideo)
            {
                Finish(new MediaItemFailed(outcome.Url, failure));
                return;
            }

            // A link in prose that cannot be fetched is not the client's media problem: it stays as text.
            _skipped.Add(new SkippedLink(outcome.Url, $"probe failed ({failure.Code}): {failure.Reason}"));
        }
        else if (outcome.Result!.Kind != MediaKind.Unknown)
        {
            _settled[outcome.Url] = outcome.Result.Kind;
        }
        else if (explicitVideo)
        {
            // A page without a <video> tag may still be a site yt-dlp knows.
            _settled[outcome.Url] = MediaKind.VideoPage;
        }
        else
        {
            _skipped.Add(new SkippedLink(outcome.Url, $"not media ({outcome.Result.ContentType ?? "no content type"})"));
        }

        if (--_pending == 0)
        {
            Finish(Result());
        }
    }

    private MediaDetected Result()
    {
        var references = new List<MediaReference>();
        foreach (var reference in _found)
        {
            if (reference.Kind != MediaKind.Unknown)
            {
                references.Add(reference);
            }
            else if (_settled.TryGetValue(reference.Url, out var kind))
            {
                references.Add(reference with { Kind = kind });
            }
        }

        var probeTime = _probes > 0 ? _services.Time.GetElapsedTime(_probeStarted) : TimeSpan.Zero;
        return new MediaDetected(references, _skipped, _probes, _detectTime, probeTime);
    }

    private void Finish(object answer)
    {
        _replyTo.Tell(answer);
        Context.Stop(Self);
    }

    private sealed record CachesChecked(List<string> Urls, Dictionary<string, MediaKind> Known);
}

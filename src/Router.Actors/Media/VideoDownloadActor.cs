using Akka.Actor;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Video;

namespace OaiRouter.Actors.Media;

/// <summary>
/// A request's child for one video link. A digest in the cache answers at once; otherwise the video is downloaded
/// (and probed) through the downloads stage, then a <see cref="TranscriptionActor"/> and a
/// <see cref="FrameExtractionActor"/> child work on it side by side through their own stages. Their results make
/// the digest, which is cached before <see cref="VideoResolved"/> goes to the parent. The download's folder is
/// removed once the digest is made, on failure, and when the request goes away (<see cref="VideoLease"/>).
/// </summary>
public sealed class VideoDownloadActor : ReceiveActor
{
    private readonly MediaServices _services;
    private readonly MediaStages _stages;
    private readonly string _url;
    private readonly MediaKind _kind;
    private readonly CancellationTokenSource _cancellation;
    private readonly long _started;
    private VideoLease? _lease;
    private VideoTranscript? _transcript;
    private IReadOnlyList<VideoFrame>? _frames;
    private TimeSpan _waited;

    public VideoDownloadActor(MediaServices services, MediaStages stages, string url, MediaKind kind, CancellationToken requestGone)
    {
        _services = services;
        _stages = stages;
        _url = url;
        _kind = kind;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(requestGone);
        _started = services.Time.GetTimestamp();

        Receive<CacheLookedUp>(found =>
        {
            if (found.Digest is { } digest)
            {
                Finish(new VideoResolved(_url, digest, TimeSpan.Zero, Elapsed));
                return;
            }

            Download();
        });
        Receive<MediaWorkDone>(done =>
        {
            _waited += done.Waited;
            _lease = (VideoLease)done.Result!;
            Context.ActorOf(TranscriptionActor.Props(_services, _stages, _lease, _cancellation.Token), "transcribe");
            Context.ActorOf(FrameExtractionActor.Props(_services, _stages, _lease, _cancellation.Token), "frames");
        });
        Receive<TranscriptReady>(ready =>
        {
            _waited += ready.Waited;
            _transcript = ready.Transcript;
            ComposeWhenDone();
        });
        Receive<FramesReady>(ready =>
        {
            _waited += ready.Waited;
            _frames = ready.Frames;
            ComposeWhenDone();
        });
        Receive<DigestCached>(cached => Finish(new VideoResolved(_url, cached.Digest, _waited, Elapsed)));
        Receive<MediaWorkFailed>(failed => Finish(failed.Cause is OperationCanceledException
            ? new MediaItemCancelled(_url)
            : new MediaItemFailed(_url, failed.Cause)));
        Receive<MediaItemFailed>(Finish);
        Receive<MediaItemCancelled>(_ => Finish(new MediaItemCancelled(_url)));
        Receive<MediaStageBusy>(Finish);
        Receive<Status.Failure>(failed => Finish(failed.Cause is OperationCanceledException
            ? new MediaItemCancelled(_url)
            : new MediaItemFailed(_url, failed.Cause)));
    }

    public static Props Props(MediaServices services, MediaStages stages, string url, MediaKind kind, CancellationToken requestGone) =>
        Akka.Actor.Props.Create(() => new VideoDownloadActor(services, stages, url, kind, requestGone));

    private TimeSpan Elapsed => _services.Time.GetElapsedTime(_started);

    protected override void PreStart() =>
        _services.Cache.TryGetDigestAsync(_services.VideoKey(_url), _cancellation.Token)
            .PipeTo(Self, success: digest => new CacheLookedUp(digest), failure: cause => new Status.Failure(cause));

    protected override void PostStop()
    {
        // Stops the works still running (their processes are killed), and lets go of the download: its folder
        // goes as soon as the last work has ended.
        _cancellation.Cancel();
        _cancellation.Dispose();
        _lease?.ReleaseOwner();
    }

    private void Download()
    {
        var videos = _services.Videos;
        var url = _url;
        var kind = _kind;
        var ownerGone = _cancellation.Token;
        _stages.Downloads.Tell(new MediaWork("download", url,
            async ct =>
            {
                var video = await videos.DownloadAsync(url, kind, ct).ConfigureAwait(false);
                var lease = new VideoLease(video);
                // If this actor is gone before it hears of the download, the folder must still go.
                lease.ReleaseOwnerWhen(ownerGone);
                return lease;
            },
            _cancellation.Token, Self));
    }

    private void ComposeWhenDone()
    {
        if (_transcript is null || _frames is null || _lease is null)
        {
            return;
        }

        var digest = VideoPipeline.Compose(_lease.Video, _transcript, _frames);
        _lease.ReleaseOwner();
        // Cached before answering, so that the next request for the same link is a hit.
        var cache = _services.Cache;
        var key = _services.VideoKey(_url);
        cache.PutDigestAsync(key, digest, _cancellation.Token)
            .PipeTo(Self, success: () => new DigestCached(digest), failure: cause => new Status.Failure(cause));
    }

    private void Finish(object answer)
    {
        Context.Parent.Tell(answer);
        Context.Stop(Self);
    }

    private sealed record CacheLookedUp(VideoDigest? Digest);

    private sealed record DigestCached(VideoDigest Digest);
}

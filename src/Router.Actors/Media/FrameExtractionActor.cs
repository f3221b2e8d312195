using Akka.Actor;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Actors.Media;

/// <summary>
/// A video child's child: the video's keyframes (scene changes, evenly spaced as a fallback, near-duplicates
/// dropped) through the frames stage. Tells its parent <see cref="FramesReady"/> or a failure, then stops.
/// </summary>
public sealed class FrameExtractionActor : ReceiveActor
{
    private readonly MediaServices _services;
    private readonly MediaStages _stages;
    private readonly VideoLease _lease;
    private readonly CancellationTokenSource _cancellation;

    public FrameExtractionActor(MediaServices services, MediaStages stages, VideoLease lease, CancellationToken videoGone)
    {
        _services = services;
        _stages = stages;
        _lease = lease;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(videoGone);

        Receive<MediaWorkDone>(done => Finish(new FramesReady((IReadOnlyList<VideoFrame>)done.Result!, done.Waited)));
        Receive<MediaWorkFailed>(failed => Finish(failed.Cause is OperationCanceledException
            ? new MediaItemCancelled(_lease.Video.Url)
            : new MediaItemFailed(_lease.Video.Url, failed.Cause)));
        Receive<MediaStageBusy>(Finish);
    }

    public static Props Props(MediaServices services, MediaStages stages, VideoLease lease, CancellationToken videoGone) =>
        Akka.Actor.Props.Create(() => new FrameExtractionActor(services, stages, lease, videoGone));

    protected override void PreStart()
    {
        var video = _lease.Video;
        if (!_lease.TryAcquire())
        {
            Finish(new MediaItemCancelled(video.Url));
            return;
        }

        var videos = _services.Videos;
        _stages.Frames.Tell(new MediaWork("frames", null,
            async ct => await videos.ExtractFramesAsync(video, ct).ConfigureAwait(false),
            _cancellation.Token, Self, _lease.Release));
    }

    protected override void PostStop()
    {
        _cancellation.Cancel();
        _cancellation.Dispose();
    }

    private void Finish(object answer)
    {
        Context.Parent.Tell(answer);
        Context.Stop(Self);
    }
}

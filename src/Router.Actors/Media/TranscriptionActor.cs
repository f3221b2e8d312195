using Akka.Actor;
using OaiRouter.Media.Video;

namespace OaiRouter.Actors.Media;

/// <summary>
/// A video child's child: the video's transcript through the transcriptions stage (audio extraction with ffmpeg,
/// then Whisper). Without a configured model, or without an audio track, the note saying so comes back at once,
/// without taking a transcription slot. Tells its parent <see cref="TranscriptReady"/> or a failure, then stops.
/// </summary>
public sealed class TranscriptionActor : ReceiveActor
{
    private readonly MediaServices _services;
    private readonly MediaStages _stages;
    private readonly VideoLease _lease;
    private readonly CancellationTokenSource _cancellation;

    public TranscriptionActor(MediaServices services, MediaStages stages, VideoLease lease, CancellationToken videoGone)
    {
        _services = services;
        _stages = stages;
        _lease = lease;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(videoGone);

        Receive<MediaWorkDone>(done => Finish(new TranscriptReady((VideoTranscript)done.Result!, done.Waited)));
        Receive<MediaWorkFailed>(failed => Finish(failed.Cause is OperationCanceledException
            ? new MediaItemCancelled(_lease.Video.Url)
            : new MediaItemFailed(_lease.Video.Url, failed.Cause)));
        Receive<MediaStageBusy>(Finish);
    }

    public static Props Props(MediaServices services, MediaStages stages, VideoLease lease, CancellationToken videoGone) =>
        Akka.Actor.Props.Create(() => new TranscriptionActor(services, stages, lease, videoGone));

    protected override void PreStart()
    {
        var video = _lease.Video;
        if (!_lease.TryAcquire())
        {
            Finish(new MediaItemCancelled(video.Url));
            return;
        }

        var videos = _services.Videos;
        if (!_services.Transcriber.IsConfigured || !video.Info.HasAudio)
        {
            // Nothing to transcribe: the pipeline answers with its note straight away.
            videos.TranscribeAsync(video, _cancellation.Token).PipeTo(Self,
                success: transcript => new MediaWorkDone(null, transcript, TimeSpan.Zero, TimeSpan.Zero),
                failure: cause => new MediaWorkFailed(null, cause, TimeSpan.Zero, TimeSpan.Zero));
            _lease.Release();
            return;
        }

        _stages.Transcriptions.Tell(new MediaWork("transcribe", null,
            async ct => await videos.TranscribeAsync(video, ct).ConfigureAwait(false),
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

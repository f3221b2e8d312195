using OaiRouter.Media.Video;

namespace OaiRouter.Actors.Media;

/// <summary>
/// Shares one <see cref="DownloadedVideo"/> between the actor that downloaded it and the transcription and
/// frame works that read it: its working folder is removed when the owner has let go and the last work has
/// ended, whichever comes last, so ffmpeg or whisper never lose their file mid-run, and nothing is left
/// behind on success, failure or cancellation.
/// </summary>
public sealed class VideoLease
{
    private int _references = 1;
    private int _ownerReleased;

    public VideoLease(DownloadedVideo video) => Video = video;

    public DownloadedVideo Video { get; }

    /// <summary>True once the folder is gone (or about to be).</summary>
    public bool IsReleased => Volatile.Read(ref _references) <= 0;

    /// <summary>Takes a reference for a work; false when the video is already released (the request is gone).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a reference taken with <see cref="TryAcquire"/>.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Video.Dispose();
        }
    }

    /// <summary>The owner lets go (idempotent): called when the digest is made, and from the owner's cancellation.</summary>
    public void ReleaseOwner()
    {
        if (Interlocked.Exchange(ref _ownerReleased, 1) == 0)
        {
            Release();
        }
    }

    /// <summary>Lets go for the owner when <paramref name="ownerGone"/> fires (its actor stopped, its request went away).</summary>
    public void ReleaseOwnerWhen(CancellationToken ownerGone) => ownerGone.Register(ReleaseOwner);
}

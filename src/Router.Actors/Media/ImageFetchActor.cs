using Akka.Actor;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Actors.Media;

/// <summary>
/// A request's child for one image link: served from the cache when it is there (a few milliseconds, no queue),
/// else fetched and normalised through the downloads stage (<c>ImagePipeline</c>). Tells its parent
/// <see cref="ImageResolved"/>, <see cref="MediaItemFailed"/>, <see cref="MediaStageBusy"/> or
/// <see cref="MediaItemCancelled"/>, then stops.
/// </summary>
public sealed class ImageFetchActor : ReceiveActor
{
    private readonly MediaServices _services;
    private readonly MediaStages _stages;
    private readonly string _url;
    private readonly CancellationTokenSource _cancellation;
    private readonly long _started;

    public ImageFetchActor(MediaServices services, MediaStages stages, string url, CancellationToken requestGone)
    {
        _services = services;
        _stages = stages;
        _url = url;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(requestGone);
        _started = services.Time.GetTimestamp();

        Receive<CacheLookedUp>(found =>
        {
            if (found.Image is { } image)
            {
                Finish(new ImageResolved(_url, image, TimeSpan.Zero, Elapsed));
                return;
            }

            Fetch();
        });
        Receive<MediaWorkDone>(done => Finish(new ImageResolved(_url, (NormalizedImage)done.Result!, done.Waited, Elapsed)));
        Receive<MediaWorkFailed>(failed => Finish(failed.Cause is OperationCanceledException
            ? new MediaItemCancelled(_url)
            : new MediaItemFailed(_url, failed.Cause)));
        Receive<MediaStageBusy>(Finish);
        Receive<Status.Failure>(failed => Finish(failed.Cause is OperationCanceledException
            ? new MediaItemCancelled(_url)
            : new MediaItemFailed(_url, failed.Cause)));
    }

    public static Props Props(MediaServices services, MediaStages stages, string url, CancellationToken requestGone) =>
        Akka.Actor.Props.Create(() => new ImageFetchActor(services, stages, url, requestGone));

    private TimeSpan Elapsed => _services.Time.GetElapsedTime(_started);

    protected override void PreStart()
    {
        if (_url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            // Inline images are not fetched; normalising one is CPU work, so it queues like a fetch.
            Fetch();
            return;
        }

        _services.Images.TryGetCachedAsync(_url, _cancellation.Token)
            .PipeTo(Self, success: image => new CacheLookedUp(image), failure: cause => new Status.Failure(cause));
    }

    protected override void PostStop()
    {
        _cancellation.Cancel();
        _cancellation.Dispose();
    }

    private void Fetch()
    {
        var images = _services.Images;
        var url = _url;
        _stages.Downloads.Tell(new MediaWork("image", url,
            async ct => await images.GetAsync(url, ct).ConfigureAwait(false),
            _cancellation.Token, Self));
    }

    private void Finish(object answer)
    {
        Context.Parent.Tell(answer);
        Context.Stop(Self);
    }

    private sealed record CacheLookedUp(NormalizedImage? Image);
}

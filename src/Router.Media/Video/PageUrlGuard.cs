using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Media.Video;

/// <summary>
/// Checks a video page's link before yt-dlp is given it: http(s) only, and every address of its host public
/// (unless <c>MEDIA_ALLOW_PRIVATE_NETWORKS</c>). A refused page then never starts yt-dlp; every connection yt-dlp
/// makes afterwards (redirects, the media URLs inside the page) is checked again by its <see cref="CheckingProxy"/>.
/// </summary>
internal sealed class PageUrlGuard(MediaOptions options, IHostResolver resolver)
{
    private readonly HostVetter _vetter = new(options.AllowPrivateNetworks, resolver);

    public async Task CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new MediaFailure(MediaFailure.Refused, url, "only http and https links are fetched");
        }
        await _vetter.VetUrlAsync(url, uri, cancellationToken).ConfigureAwait(false);
    }
}

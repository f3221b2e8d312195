using System.Net;
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
    public async Task CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new MediaFailure(MediaFailure.Refused, url, "only http and https links are fetched");
        }

        if (options.AllowPrivateNetworks)
        {
            return;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.DnsSafeHost, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(uri.DnsSafeHost, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ArgumentException)
            {
                throw new MediaFailure(MediaFailure.FetchFailed, url, $"the host {uri.Host} does not resolve", e);
            }
        }

        if (addresses.Length == 0)
        {
            throw new MediaFailure(MediaFailure.FetchFailed, url, $"the host {uri.Host} does not resolve");
        }

        foreach (var address in addresses)
        {
            if (NetworkPolicy.RefusalReason(address) is { } reason)
            {
                throw new MediaFailure(MediaFailure.Refused, url, $"the host {uri.Host} is on a {reason} address");
            }
        }
    }
}

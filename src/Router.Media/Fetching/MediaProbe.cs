using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;

namespace OaiRouter.Media.Fetching;

/// <summary>What a link turned out to be after reading the start of its body.</summary>
/// <param name="Kind">
/// <see cref="MediaKind.Image"/> or <see cref="MediaKind.Video"/> from magic bytes (or a <c>video/*</c> type),
/// <see cref="MediaKind.VideoPage"/> for an HTML page that embeds a video, and <see cref="MediaKind.Unknown"/>
/// for anything else: not media, so a bare link in text is left alone.
/// </param>
public sealed record MediaProbeResult(string Url, MediaKind Kind, string? ContentType, Uri FinalUrl, long? ContentLength);

/// <summary>
/// Settles links whose kind the URL does not tell (<see cref="MediaKind.Unknown"/>): fetches only the start of
/// the body through the <see cref="SafeHttpFetcher"/>, then trusts magic bytes over the declared content type.
/// </summary>
public sealed class MediaProbe(SafeHttpFetcher fetcher)
{
    /// <summary>Bytes read to decide; a page's <c>&lt;video&gt;</c> tag is usually well within this.</summary>
    internal const int HeadBytes = 256 * 1024;

    /// <summary>Fetches the start of <paramref name="url"/> and says what it is. Fetch failures throw <see cref="MediaFailure"/>.</summary>
    public async Task<MediaProbeResult> ProbeAsync(string url, CancellationToken cancellationToken)
    {
        var head = await fetcher.FetchHeadAsync(url, HeadBytes, cancellationToken).ConfigureAwait(false);
        return new MediaProbeResult(url, Decide(head.ContentType, head.Head), head.ContentType, head.FinalUrl, head.ContentLength);
    }

    internal static MediaKind Decide(string? contentType, ReadOnlySpan<byte> head)
    {
        if (ContentSniffer.SniffImage(head) is not null)
        {
            return MediaKind.Image;
        }

        if (ContentSniffer.LooksLikeVideo(head)
            || (contentType?.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return MediaKind.Video;
        }

        var isHtml = contentType is not null
            && (contentType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
                || contentType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));
        return isHtml && ContentSniffer.HtmlHasVideo(head) ? MediaKind.VideoPage : MediaKind.Unknown;
    }
}

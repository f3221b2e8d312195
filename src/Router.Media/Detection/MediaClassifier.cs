using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Detection;

/// <summary>
/// Guesses what a link points at from the link alone: a <c>data:</c> media type, the path's extension,
/// or a known video site. Anything else is <see cref="MediaKind.Unknown"/> and is settled after fetching
/// (content type and magic bytes, see <c>MediaProbe</c>).
/// </summary>
public static class MediaClassifier
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp",
    };

    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".mov", ".webm", ".mkv", ".m4v", ".avi", ".mpeg", ".mpg",
    };

    /// <summary>Classifies a link given as text; links that are not absolute URIs are <see cref="MediaKind.Unknown"/>.</summary>
    public static MediaKind Classify(string url)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return ClassifyDataUrl(url);
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Classify(uri) : MediaKind.Unknown;
    }

    /// <summary>Classifies an absolute URI.</summary>
    public static MediaKind Classify(Uri uri)
    {
        if (uri.Scheme == "data")
        {
            return ClassifyDataUrl(uri.OriginalString);
        }

        if (IsVideoPage(uri))
        {
            return MediaKind.VideoPage;
        }

        var extension = Path.GetExtension(uri.AbsolutePath);
        if (ImageExtensions.Contains(extension))
        {
            return MediaKind.Image;
        }

        return VideoExtensions.Contains(extension) ? MediaKind.Video : MediaKind.Unknown;
    }

    /// <summary>True for links to a video on a site that yt-dlp knows (YouTube, Vimeo, Dailymotion, …).</summary>
    public static bool IsVideoPage(Uri uri)
    {
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        var path = uri.AbsolutePath;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return host switch
        {
            "youtube.com" or "m.youtube.com" or "music.youtube.com" or "youtube-nocookie.com" =>
                (path == "/watch" && uri.Query.Contains("v=", StringComparison.Ordinal))
                || (segments.Length >= 2 && segments[0] is "shorts" or "live" or "embed" or "v"),
            "youtu.be" => segments.Length >= 1,
            "vimeo.com" => segments.Length >= 1 && segments[^1].All(char.IsAsciiDigit),
            "player.vimeo.com" => segments.Length >= 2 && segments[0] == "video",
            "dailymotion.com" => segments.Length >= 2 && segments[0] == "video",
            "dai.ly" => segments.Length >= 1,
            "twitch.tv" => segments.Length >= 2 && segments[^2] is "videos" or "clip",
            "clips.twitch.tv" => segments.Length >= 1,
            "tiktok.com" => segments.Length >= 3 && segments[^2] == "video",
            "vm.tiktok.com" => segments.Length >= 1,
            "streamable.com" => segments.Length >= 1,
            "loom.com" => segments.Length >= 2 && segments[0] == "share",
            "instagram.com" => segments.Length >= 2 && segments[0] is "reel" or "reels" or "tv",
            "facebook.com" => segments.Contains("videos") || (segments.Length >= 1 && segments[0] == "watch"),
            "fb.watch" => segments.Length >= 1,
            "rumble.com" => segments.Length >= 1 && segments[0].StartsWith('v'),
            "bilibili.com" => segments.Length >= 2 && segments[0] == "video",
            "ted.com" => segments.Length >= 2 && segments[0] == "talks",
            _ => false,
        };
    }

    private static MediaKind ClassifyDataUrl(string url)
    {
        // data:[<media type>][;param]*[;base64],<data>
        var comma = url.IndexOf(',');
        var header = comma < 0 ? url : url[..comma];
        var mediaType = header.Length > 5 ? header[5..].Split(';')[0].Trim() : string.Empty;
        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return MediaKind.Image;
        }

        return mediaType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ? MediaKind.Video : MediaKind.Unknown;
    }
}

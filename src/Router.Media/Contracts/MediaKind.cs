namespace OaiRouter.Media.Contracts;

/// <summary>What a link found in a request points at.</summary>
public enum MediaKind
{
    /// <summary>Not known until fetched (extension and site say nothing).</summary>
    Unknown,
    /// <summary>A still image (PNG, JPEG, WebP, GIF, …).</summary>
    Image,
    /// <summary>A video file fetched directly.</summary>
    Video,
    /// <summary>A page on a video site, handed to yt-dlp.</summary>
    VideoPage,
}

using System.Globalization;

namespace OaiRouter.Media;

/// <summary>
/// Limits and switches for media handling, bound to the <c>Media</c> section. Each property names the
/// environment variable the host maps onto it. Video-specific members live in <c>MediaOptions.Video.cs</c>.
/// </summary>
public sealed partial class MediaOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Media";

    private const long MiB = 1024L * 1024;

    /// <summary>
    /// <c>MEDIA_ALLOW_PRIVATE_NETWORKS</c> (default false): allow fetching from loopback, private,
    /// link-local, carrier-grade NAT and other non-public addresses. For tests and local use only.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary><c>MEDIA_MAX_IMAGE_BYTES</c> (default 20 MiB): most bytes read for one image, checked while streaming.</summary>
    public long MaxImageBytes { get; set; } = 20 * MiB;

    /// <summary><c>MEDIA_MAX_VIDEO_BYTES</c> (default 200 MiB): most bytes read for one video, checked while streaming.</summary>
    public long MaxVideoBytes { get; set; } = 200 * MiB;

    /// <summary><c>MEDIA_IMAGE_MAX_SIDE</c> (default 1568 px): images are downscaled so that their longest side fits.</summary>
    public int ImageMaxSide { get; set; } = 1568;

    /// <summary>
    /// <c>MEDIA_MAX_IMAGE_PIXELS</c> (default 50,000,000): width times height above which an image is refused
    /// from its header, before any pixel is decoded (decompression-bomb guard).
    /// </summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary><c>MEDIA_IMAGE_JPEG_QUALITY</c> (default 85): quality of re-encoded JPEGs, 1–100.</summary>
    public int JpegQuality { get; set; } = 85;

    /// <summary><c>MEDIA_FETCH_TIMEOUT_SECONDS</c> (default 30): time allowed for one fetch, redirects included.</summary>
    public int FetchTimeoutSeconds { get; set; } = 30;

    /// <summary><c>MEDIA_MAX_REDIRECTS</c> (default 5): redirects followed per fetch; each hop is checked again.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary><c>MEDIA_CACHE_DIR</c> (default <c>./media-cache</c>): folder of the content-addressed media cache.</summary>
    public string CacheDir { get; set; } = "./media-cache";

    /// <summary><c>MEDIA_CACHE_MAX_BYTES</c> (default 1 GiB): size past which the least recently used entries are evicted.</summary>
    public long CacheMaxBytes { get; set; } = 1024 * MiB;

    /// <summary><c>MEDIA_MAX_VIDEO_SECONDS</c> (default 600): longer videos are refused after probing.</summary>
    public int MaxVideoSeconds { get; set; } = 600;

    /// <summary><c>MEDIA_MAX_FRAMES</c> (default 12): most frames sent per video.</summary>
    public int MaxFrames { get; set; } = 12;

    /// <summary><c>MEDIA_MAX_ITEMS_PER_REQUEST</c> (default 8): most distinct media links handled in one request.</summary>
    public int MaxItemsPerRequest { get; set; } = 8;

    /// <summary>The fetch timeout as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan FetchTimeout => TimeSpan.FromSeconds(FetchTimeoutSeconds);

    /// <summary>
    /// Everything that changes how an image is normalised; part of image cache keys, so changing a
    /// limit does not serve images normalised under the old one.
    /// </summary>
    public string ImageFingerprint => string.Create(
        CultureInfo.InvariantCulture, $"side={ImageMaxSide};px={MaxImagePixels};q={JpegQuality}");

    /// <summary>
    /// Problems with the settings, each naming the environment variable; empty when all is well.
    /// Used by <see cref="MediaOptionsValidator"/> so that a bad setting fails at start-up.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Positive(long value, string name)
        {
            if (value <= 0)
            {
                errors.Add($"{name} must be greater than 0 (got {value}).");
            }
        }

        Positive(MaxImageBytes, "MEDIA_MAX_IMAGE_BYTES");
        Positive(MaxVideoBytes, "MEDIA_MAX_VIDEO_BYTES");
        Positive(ImageMaxSide, "MEDIA_IMAGE_MAX_SIDE");
        Positive(MaxImagePixels, "MEDIA_MAX_IMAGE_PIXELS");
        Positive(FetchTimeoutSeconds, "MEDIA_FETCH_TIMEOUT_SECONDS");
        Positive(CacheMaxBytes, "MEDIA_CACHE_MAX_BYTES");
        Positive(MaxVideoSeconds, "MEDIA_MAX_VIDEO_SECONDS");
        Positive(MaxFrames, "MEDIA_MAX_FRAMES");
        Positive(MaxItemsPerRequest, "MEDIA_MAX_ITEMS_PER_REQUEST");
        if (MaxRedirects < 0)
        {
            errors.Add($"MEDIA_MAX_REDIRECTS must be 0 or more (got {MaxRedirects}).");
        }

        if (JpegQuality is < 1 or > 100)
        {
            errors.Add($"MEDIA_IMAGE_JPEG_QUALITY must be between 1 and 100 (got {JpegQuality}).");
        }

        if (string.IsNullOrWhiteSpace(CacheDir))
        {
            errors.Add("MEDIA_CACHE_DIR must name a folder.");
        }

        ValidateVideo(errors);
        return errors;
    }

    /// <summary>Hook for the video members' checks (implemented in <c>MediaOptions.Video.cs</c> when needed).</summary>
    partial void ValidateVideo(List<string> errors);
}

/// <summary>Fails options validation (and so start-up, with <c>ValidateOnStart</c>) on bad media settings.</summary>
public sealed class MediaOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<MediaOptions>
{
    /// <inheritdoc />
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}

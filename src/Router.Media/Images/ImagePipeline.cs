using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Media.Images;

/// <summary>
/// One image link to a normalised image: cache look-up, then (on a miss) SSRF-safe fetch within
/// <see cref="MediaOptions.MaxImageBytes"/>, normalisation, and a cache put. <c>data:</c> URLs are not fetched:
/// they pass through when within limits, else are normalised (and that result cached by content).
/// </summary>
public sealed class ImagePipeline
{
    private readonly SafeHttpFetcher _fetcher;
    private readonly ImageNormalizer _normalizer;
    private readonly MediaCache _cache;
    private readonly MediaOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the pipeline over shared services (all singletons).</summary>
    public ImagePipeline(
        SafeHttpFetcher fetcher,
        ImageNormalizer normalizer,
        MediaCache cache,
        IOptions<MediaOptions> options,
        ILogger<ImagePipeline>? logger = null)
        : this(fetcher, normalizer, cache, options.Value, logger)
    {
    }

    internal ImagePipeline(SafeHttpFetcher fetcher, ImageNormalizer normalizer, MediaCache cache, MediaOptions options, ILogger? logger)
    {
        _fetcher = fetcher;
        _normalizer = normalizer;
        _cache = cache;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// The normalised image for <paramref name="url"/> (http, https or data). <see cref="NormalizedImage.FromCache"/>
    /// says whether it was served from the cache; on a miss <see cref="NormalizedImage.SourceBytes"/> is what was
    /// fetched. Throws <see cref="MediaFailure"/>; a cancelled caller gets <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<NormalizedImage> GetAsync(string url, CancellationToken cancellationToken)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return await FromDataUrlAsync(url, cancellationToken).ConfigureAwait(false);
        }

        var key = MediaCache.ImageKey(url, _options);
        if (await _cache.TryGetImageAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var started = Stopwatch.GetTimestamp();
        var fetched = await _fetcher.FetchAsync(url, _options.MaxImageBytes, cancellationToken).ConfigureAwait(false);
        var image = _normalizer.Normalize(fetched.Bytes, url);
        await _cache.PutImageAsync(key, image, cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("Normalised image {Url}: {SourceBytes} bytes to {Width}x{Height} {MediaType} in {Milliseconds} ms",
            url, fetched.Bytes.Length, image.Width, image.Height, image.MediaType, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return image;
    }

    /// <summary>The cached image for <paramref name="url"/>, or null: lets a caller skip probing a link it has seen before.</summary>
    public Task<NormalizedImage?> TryGetCachedAsync(string url, CancellationToken cancellationToken) =>
        _cache.TryGetImageAsync(MediaCache.ImageKey(url, _options), cancellationToken);

    private async Task<NormalizedImage> FromDataUrlAsync(string url, CancellationToken cancellationToken)
    {
        // Chat history sends the same data: URL on every turn: remember what normalising it gave.
        var key = MediaCache.ImageKey(MediaCache.ContentKey(Encoding.UTF8.GetBytes(url)), _options);
        if (await _cache.TryGetImageAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var image = _normalizer.NormalizeDataUrl(url, out var passedThrough);
        if (!passedThrough)
        {
            await _cache.PutImageAsync(key, image, cancellationToken).ConfigureAwait(false);
        }

        return image;
    }
}

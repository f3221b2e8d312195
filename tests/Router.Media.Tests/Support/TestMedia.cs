using System.Net;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Images;

namespace OaiRouter.Media.Tests.Support;

/// <summary>Options and services as the tests use them: small caps and short timeouts so every limit is reached fast.</summary>
public static class TestMedia
{
    public const long ImageCap = 512 * 1024;

    public static MediaOptions Options(Action<MediaOptions>? change = null)
    {
        var options = new MediaOptions
        {
            AllowPrivateNetworks = true,
            MaxImageBytes = ImageCap,
            FetchTimeoutSeconds = 15, // generous: the machines running tests are often busy; timeout tests set their own
            ImageMaxSide = 1024,
        };
        change?.Invoke(options);
        return options;
    }

    public static SafeHttpFetcher Fetcher(
        MediaOptions options,
        IHostResolver? resolver = null,
        Func<IPAddress, string?>? policy = null,
        ConnectLog? connects = null) =>
        new(options, resolver, policy, connects is null ? null : connects.Record, timeProvider: null, logger: null);

    public static ImagePipeline Pipeline(MediaOptions options, SafeHttpFetcher fetcher, string cacheDir) =>
        new(fetcher, new ImageNormalizer(options), new MediaCache(cacheDir, options.CacheMaxBytes), options, logger: null);
}

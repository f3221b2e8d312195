using Microsoft.Extensions.Options;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Models;
using OaiRouter.Media;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Images;
using OaiRouter.Media.Transcription;
using OaiRouter.Media.Video;

namespace OaiRouter.Actors.Media;

/// <summary>
/// The plain media services a request's media children use, resolved once from DI by the request actor.
/// When it is not registered (hosts without media), requests go through without media stages.
/// </summary>
public sealed class MediaServices(
    IOptions<MediaOptions> options,
    ImagePipeline images,
    VideoPipeline videos,
    WhisperTranscriber transcriber,
    MediaProbe probe,
    MediaCache cache,
    ModelCatalog models,
    IOptionsMonitor<OpenRouterOptions> openRouter,
    TimeProvider time)
{
    public MediaOptions Options { get; } = options.Value;
    public ImagePipeline Images { get; } = images;
    public VideoPipeline Videos { get; } = videos;
    public WhisperTranscriber Transcriber { get; } = transcriber;
    public MediaProbe Probe { get; } = probe;
    public MediaCache Cache { get; } = cache;
    public ModelCatalog Models { get; } = models;
    public IOptionsMonitor<OpenRouterOptions> OpenRouter { get; } = openRouter;
    public TimeProvider Time { get; } = time;

    /// <summary>The cache key of <paramref name="url"/>'s video digest under the current settings.</summary>
    public string VideoKey(string url) => MediaCache.VideoKey(url, Options.VideoFingerprint);
}

using Microsoft.Extensions.Options;
using OaiRouter.Actors.Media;
using OaiRouter.Media;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Images;
using OaiRouter.Media.Transcription;
using OaiRouter.Media.Video;

namespace OaiRouter.Host.Config;

/// <summary>
/// The media services (fetching, images, video, transcription, cache) as singletons, with <see cref="MediaOptions"/>
/// bound from the seed's environment names (<see cref="SeedSettings"/>) and validated at start. The request actors
/// find them through <see cref="MediaServices"/>; the throttled stages are actors sized in router.hocon.
/// </summary>
internal static class MediaSetup
{
    public static WebApplicationBuilder AddRouterMedia(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MediaOptions>().Configure<IConfiguration>((o, c) => SeedSettings.Apply(c, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>();

        services.AddSingleton(sp => new SafeHttpFetcher(
            sp.GetRequiredService<IOptions<MediaOptions>>(),
            resolver: null,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SafeHttpFetcher>>()));
        services.AddSingleton<ImageNormalizer>();
        services.AddSingleton(sp => new MediaCache(
            sp.GetRequiredService<IOptions<MediaOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MediaCache>>()));
        services.AddSingleton(sp => new ImagePipeline(
            sp.GetRequiredService<SafeHttpFetcher>(),
            sp.GetRequiredService<ImageNormalizer>(),
            sp.GetRequiredService<MediaCache>(),
            sp.GetRequiredService<IOptions<MediaOptions>>(),
            sp.GetRequiredService<ILogger<ImagePipeline>>()));
        services.AddSingleton(sp => new MediaProbe(sp.GetRequiredService<SafeHttpFetcher>()));
        services.AddSingleton(sp => new WhisperTranscriber(sp.GetRequiredService<IOptions<MediaOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MediaOptions>>().Value;
            var fetcher = sp.GetRequiredService<SafeHttpFetcher>();
            // Direct video links: SSRF-checked and capped while streaming, within the video download time limit.
            return new VideoPipeline(options, sp.GetRequiredService<WhisperTranscriber>(),
                (url, path, maxBytes, ct) => fetcher.FetchToFileAsync(url, path, maxBytes, options.VideoDownloadTimeout, ct),
                timeProvider: sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<MediaServices>();
        services.AddHostedService<MediaStartup>();
        return builder;
    }
}

/// <summary>
/// At start: scans the media cache (so the first request does not pay for it), loads the Whisper model when one
/// is configured (a bad file fails the start, naming <c>WHISPER_MODEL_PATH</c>), and says how to install one when
/// none is.
/// </summary>
internal sealed class MediaStartup(
    IOptions<MediaOptions> options,
    MediaCache cache,
    WhisperTranscriber transcriber,
    ILogger<MediaStartup> log) : IHostedService
{
    /// <summary>What an operator does to get transcripts; the README says the same.</summary>
    public const string WhisperInstallHint =
        "To transcribe speech in videos, download a whisper.cpp ggml model (for example ggml-base.en.bin, ~150 MB, from " +
        "https://huggingface.co/ggerganov/whisper.cpp/tree/main, or with whisper.cpp's models/download-ggml-model.sh) on a " +
        "machine with internet access, copy it to this machine, set WHISPER_MODEL_PATH to the file's path (in .env or the " +
        "environment) and restart the router.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!cache.Load())
        {
            log.LogWarning("The media cache folder {CacheDir} (MEDIA_CACHE_DIR) cannot be used: media is fetched every time", o.CacheDir);
        }

        if (transcriber.IsConfigured)
        {
            // Throws with a message naming WHISPER_MODEL_PATH: the router does not start on a model that does not load.
            transcriber.Validate();
            log.LogInformation("Whisper model {ModelPath} loaded: videos are transcribed (language {Language})",
                transcriber.ModelPath, o.WhisperLanguage);
        }
        else
        {
            log.LogWarning("WHISPER_MODEL_PATH is not set: videos are sent as frames only, and the model is told that no " +
                "transcript was made. {InstallHint}", WhisperInstallHint);
        }

        if (!File.Exists(Path.Combine(o.FfmpegFolder, "ffmpeg")) || !File.Exists(Path.Combine(o.FfmpegFolder, "ffprobe")))
        {
            log.LogWarning("ffmpeg or ffprobe is missing from {FfmpegFolder} (FFMPEG_FOLDER): video links will fail until " +
                "ffmpeg is installed (apt-get install ffmpeg)", o.FfmpegFolder);
        }

        if (o.AllowPrivateNetworks)
        {
            log.LogWarning("MEDIA_ALLOW_PRIVATE_NETWORKS=true: media links may reach loopback and private addresses. For tests and local use only.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

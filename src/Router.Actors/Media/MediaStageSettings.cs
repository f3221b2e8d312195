using Akka.Actor;
using Akka.Configuration;

namespace OaiRouter.Actors.Media;

/// <summary>
/// One throttled media stage as router.hocon sizes it (<c>oai-router.media.&lt;name&gt;</c>): how many works run
/// at once and how many may wait. Past both, requests get 503 with <see cref="RetryAfter"/>.
/// </summary>
/// <param name="Name">"downloads", "transcriptions" or "frames".</param>
/// <param name="Parallelism">Works running at once.</param>
/// <param name="QueueSize">Works waiting for a slot (at least 1).</param>
public sealed record MediaStageSettings(string Name, int Parallelism, int QueueSize, TimeSpan RetryAfter)
{
    /// <summary>Downloads: image fetches and normalisation, probes of unknown links, video downloads.</summary>
    public const string Downloads = "downloads";

    /// <summary>Transcriptions with Whisper (CPU-heavy: one at a time on 2 cores).</summary>
    public const string Transcriptions = "transcriptions";

    /// <summary>Keyframe extraction with ffmpeg.</summary>
    public const string Frames = "frames";

    /// <summary>Reads <c>oai-router.media.&lt;name&gt;</c>; missing values take the 2-core defaults.</summary>
    public static MediaStageSettings From(Config config, string name)
    {
        var (parallelism, queue) = name switch
        {
            Transcriptions => (1, 4),
            Frames => (2, 8),
            _ => (4, 32),
        };
        var retryAfter = config.GetTimeSpan("oai-router.media.retry-after", TimeSpan.FromSeconds(5), allowInfinite: false);
        var settings = new MediaStageSettings(
            name,
            config.GetInt($"oai-router.media.{name}.parallelism", parallelism),
            config.GetInt($"oai-router.media.{name}.queue-size", queue),
            retryAfter);
        if (settings.Parallelism < 1 || settings.QueueSize < 1 || settings.RetryAfter <= TimeSpan.Zero)
        {
            throw new ConfigurationException(
                $"oai-router.media.{name}: parallelism and queue-size must be at least 1 and retry-after positive " +
                $"(got {settings.Parallelism}, {settings.QueueSize}, {settings.RetryAfter}).");
        }

        return settings;
    }
}

/// <summary>Registry key of the downloads stage (<see cref="MediaStageActor"/>).</summary>
public sealed class MediaDownloadsStage;

/// <summary>Registry key of the transcriptions stage (<see cref="MediaStageActor"/>).</summary>
public sealed class MediaTranscriptionsStage;

/// <summary>Registry key of the frames stage (<see cref="MediaStageActor"/>).</summary>
public sealed class MediaFramesStage;

/// <summary>The three throttled stages a request's media children hand their work to.</summary>
public sealed record MediaStages(IActorRef Downloads, IActorRef Transcriptions, IActorRef Frames);

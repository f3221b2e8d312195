using Akka.Actor;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Video;

namespace OaiRouter.Actors.Media;

/// <summary>
/// Told to a <see cref="MediaStageActor"/>: run <paramref name="Run"/> when a slot is free, then tell
/// <paramref name="ReplyTo"/> a <see cref="MediaWorkDone"/> or <see cref="MediaWorkFailed"/>; when the stage's
/// queue is full, a <see cref="MediaStageBusy"/> instead.
/// </summary>
/// <param name="Label">What the work is, for metrics and timings ("probe", "image", "download", "transcribe", "frames").</param>
/// <param name="Tag">Handed back with the result, so that a requester with several works in flight can tell them apart.</param>
/// <param name="Release">Called exactly once after <paramref name="Run"/> ended, or instead of it when the work never ran
/// (dropped, or cancelled while waiting): frees what the work holds (a downloaded video's lease).</param>
public sealed record MediaWork(
    string Label,
    object? Tag,
    Func<CancellationToken, Task<object?>> Run,
    CancellationToken Cancellation,
    IActorRef ReplyTo,
    Action? Release = null);

/// <summary>A <see cref="MediaWork"/> ran to completion.</summary>
/// <param name="Waited">Time spent in the stage's queue.</param>
/// <param name="Ran">Time the work itself took.</param>
public sealed record MediaWorkDone(object? Tag, object? Result, TimeSpan Waited, TimeSpan Ran);

/// <summary>A <see cref="MediaWork"/> threw (a <see cref="MediaFailure"/>, a cancellation, or something unexpected).</summary>
public sealed record MediaWorkFailed(object? Tag, Exception Cause, TimeSpan Waited, TimeSpan Ran);

/// <summary>A stage's queue was full: the request is answered 503 with <c>Retry-After</c>.</summary>
/// <param name="Stage">The stage's name in router.hocon ("downloads", "transcriptions", "frames").</param>
public sealed record MediaStageBusy(string Stage, TimeSpan RetryAfter);

/// <summary>Request actor to its detection child: find the media in this body and settle what each link is.</summary>
public sealed record DetectMedia(ReadOnlyMemory<byte> Body);

/// <summary>A link found in text that turned out not to be media (or could not be probed), left as it is.</summary>
public sealed record SkippedLink(string Url, string Reason);

/// <summary>
/// Detection's answer: the media references whose kind is settled (<see cref="MediaKind.Image"/>,
/// <see cref="MediaKind.Video"/> or <see cref="MediaKind.VideoPage"/>), the links left alone, and its timings.
/// </summary>
public sealed record MediaDetected(
    IReadOnlyList<MediaReference> References,
    IReadOnlyList<SkippedLink> Skipped,
    int Probes,
    TimeSpan DetectTime,
    TimeSpan ProbeTime);

/// <summary>An image link became a normalised image.</summary>
/// <param name="Elapsed">From the child's start to the result, queue included.</param>
public sealed record ImageResolved(string Url, NormalizedImage Image, TimeSpan Waited, TimeSpan Elapsed);

/// <summary>A video link became frames and a transcript.</summary>
public sealed record VideoResolved(string Url, VideoDigest Digest, TimeSpan Waited, TimeSpan Elapsed);

/// <summary>A media link failed; <paramref name="Cause"/> is a <see cref="MediaFailure"/> when the client can act on it.</summary>
public sealed record MediaItemFailed(string Url, Exception Cause);

/// <summary>A child's work was cancelled (the client went away, or the request failed elsewhere).</summary>
public sealed record MediaItemCancelled(string Url);

/// <summary>Video child to its transcription child's parent: the transcript, or why there is none.</summary>
public sealed record TranscriptReady(VideoTranscript Transcript, TimeSpan Waited);

/// <summary>Video child to its frame-extraction child's parent: the keyframes.</summary>
public sealed record FramesReady(IReadOnlyList<VideoFrame> Frames, TimeSpan Waited);

/// <summary>The upstream model list arrived (or could not be had: <paramref name="Modalities"/> is null).</summary>
public sealed record ModelCatalogLoaded(IReadOnlyDictionary<string, IReadOnlyList<string>>? Modalities);

/// <summary>Told to the request actor from the client's abort token: the client went away.</summary>
public sealed record ClientWentAway
{
    public static readonly ClientWentAway Instance = new();
}

/// <summary>What a probe said about one link (the detection child's work result).</summary>
internal sealed record ProbeOutcome(string Url, MediaProbeResult? Result, MediaFailure? Failure);

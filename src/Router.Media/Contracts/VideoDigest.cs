namespace OaiRouter.Media.Contracts;

/// <summary>One piece of a transcript, with its place in the video.</summary>
public sealed record TranscriptSegment(TimeSpan Start, TimeSpan End, string Text);

/// <summary>A keyframe as JPEG bytes, with its time in the video.</summary>
public sealed record VideoFrame(TimeSpan At, byte[] Jpeg, int Width, int Height);

/// <summary>
/// What a video becomes for a vision model: its frames and transcript.
/// <see cref="TranscriptNote"/> says why there is no transcript when there is none (no model configured, no audio).
/// </summary>
public sealed record VideoDigest(
    string SourceUrl,
    TimeSpan Duration,
    IReadOnlyList<VideoFrame> Frames,
    IReadOnlyList<TranscriptSegment> Transcript,
    string? TranscriptNote,
    long BytesFetched,
    bool FromCache,
    IReadOnlyDictionary<string, double> StageMilliseconds);

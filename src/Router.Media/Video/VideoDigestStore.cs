using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Video;

/// <summary>
/// Writes a <see cref="VideoDigest"/> to a folder and reads it back, for the media cache: <c>digest.json</c>
/// (source, duration, transcript, frame times and sizes) beside <c>frame_000.jpg</c>, <c>frame_001.jpg</c>, ….
/// Stage timings and <see cref="VideoDigest.FromCache"/> describe one run, so they are not stored: a loaded
/// digest has <c>FromCache = true</c> and no stage timings.
/// </summary>
public static class VideoDigestStore
{
    /// <summary>The digest's file in the folder; written last, so its presence means the frames are all there.</summary>
    public const string DigestFileName = "digest.json";

    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>Writes <paramref name="digest"/> into <paramref name="folder"/> (created when missing).</summary>
    public static void Save(string folder, VideoDigest digest)
    {
        Directory.CreateDirectory(folder);
        var frames = new List<StoredFrame>();
        for (var i = 0; i < digest.Frames.Count; i++)
        {
            var frame = digest.Frames[i];
            var file = string.Create(CultureInfo.InvariantCulture, $"frame_{i:000}.jpg");
            File.WriteAllBytes(Path.Combine(folder, file), frame.Jpeg);
            frames.Add(new StoredFrame(file, frame.At.TotalSeconds, frame.Width, frame.Height));
        }

        var stored = new StoredDigest(
            FormatVersion,
            digest.SourceUrl,
            digest.Duration.TotalSeconds,
            frames,
            digest.Transcript.Select(s => new StoredSegment(s.Start.TotalSeconds, s.End.TotalSeconds, s.Text)).ToList(),
            digest.TranscriptNote,
            digest.BytesFetched);

        // Written beside and then moved: a reader never sees half a digest.json.
        var path = Path.Combine(folder, DigestFileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(stored, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Reads the digest saved in <paramref name="folder"/>; null when there is none, or it is incomplete or from an
    /// unknown format version (a cache miss, not an error).
    /// </summary>
    public static VideoDigest? Load(string folder)
    {
        var path = Path.Combine(folder, DigestFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        StoredDigest? stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredDigest>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (stored is null || stored.Version != FormatVersion || stored.SourceUrl is null)
        {
            return null;
        }

        var frames = new List<VideoFrame>();
        foreach (var frame in stored.Frames ?? [])
        {
            // Only names this store wrote: a tampered digest.json must not read files outside the folder.
            var file = Path.Combine(folder, Path.GetFileName(frame.File));
            if (!File.Exists(file))
            {
                return null;
            }

            frames.Add(new VideoFrame(TimeSpan.FromSeconds(frame.AtSeconds), File.ReadAllBytes(file), frame.Width, frame.Height));
        }

        var transcript = (stored.Transcript ?? [])
            .Select(s => new TranscriptSegment(TimeSpan.FromSeconds(s.StartSeconds), TimeSpan.FromSeconds(s.EndSeconds), s.Text))
            .ToList();
        return new VideoDigest(
            stored.SourceUrl,
            TimeSpan.FromSeconds(stored.DurationSeconds),
            frames,
            transcript,
            stored.TranscriptNote,
            stored.BytesFetched,
            FromCache: true,
            new Dictionary<string, double>());
    }

    private sealed record StoredDigest(
        int Version,
        string? SourceUrl,
        double DurationSeconds,
        List<StoredFrame>? Frames,
        List<StoredSegment>? Transcript,
        string? TranscriptNote,
        long BytesFetched);

    private sealed record StoredFrame(string File, double AtSeconds, int Width, int Height);

    private sealed record StoredSegment(double StartSeconds, double EndSeconds, string Text);
}

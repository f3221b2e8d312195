using System.Text.Encodings.Web;
using System.Text.Json;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Images;

namespace OaiRouter.Actors.Media;

/// <summary>What the record keeps about a request's media: <see cref="TotalMs"/> becomes <c>media_ms</c>, <see cref="Json"/> <c>media_json</c>.</summary>
public sealed record MediaRecord(double TotalMs, string Json);

/// <summary>
/// Collects the facts of one request's media as they arrive (images and videos found, frames sent, transcript
/// length, cache hits, bytes fetched, time per stage, each link's fate) and writes them as the record's
/// <c>media_json</c>. Plain and single-threaded: owned by the request actor's <see cref="MediaJob"/>.
/// </summary>
public sealed class MediaReport
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<string, double> _stageMs = new(StringComparer.Ordinal);
    private readonly List<Action<Utf8JsonWriter>> _items = [];
    private readonly List<SkippedLink> _skipped = [];
    private MediaFailure? _failure;
    private string? _busyStage;

    public int Images { get; private set; }
    public int Videos { get; private set; }
    public int FramesSent { get; private set; }
    public int TranscriptChars { get; private set; }
    public int CacheHits { get; private set; }
    public long BytesFetched { get; private set; }
    public int Probes { get; private set; }

    /// <summary>Milliseconds per stage, summed over the request's links.</summary>
    public IReadOnlyDictionary<string, double> StageMilliseconds => _stageMs;

    public void AddStage(string stage, TimeSpan elapsed) => AddStage(stage, elapsed.TotalMilliseconds);

    public void Detected(MediaDetected detected)
    {
        Probes = detected.Probes;
        _skipped.AddRange(detected.Skipped);
        AddStage("detect", detected.DetectTime);
        if (detected.Probes > 0)
        {
            AddStage("probe", detected.ProbeTime);
        }
    }

    public void Image(ImageResolved resolved)
    {
        var image = resolved.Image;
        Images++;
        if (image.FromCache)
        {
            CacheHits++;
        }
        else
        {
            BytesFetched += image.SourceBytes;
        }

        AddStage("queue", resolved.Waited);
        AddStage("image", resolved.Elapsed - resolved.Waited);
        _items.Add(w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "image");
            w.WriteString("url", ImageNormalizer.DescribeUrl(resolved.Url));
            w.WriteBoolean("cache_hit", image.FromCache);
            w.WriteNumber("bytes_fetched", image.FromCache ? 0 : image.SourceBytes);
            w.WriteString("media_type", image.MediaType);
            w.WriteNumber("width", image.Width);
            w.WriteNumber("height", image.Height);
            w.WriteNumber("bytes_sent", image.Bytes.Length);
            w.WriteNumber("ms", Round(resolved.Elapsed.TotalMilliseconds));
            w.WriteEndObject();
        });
    }

    public void Video(VideoResolved resolved)
    {
        var digest = resolved.Digest;
        var transcriptChars = digest.Transcript.Sum(s => s.Text.Trim().Length);
        Videos++;
        FramesSent += digest.Frames.Count;
        TranscriptChars += transcriptChars;
        if (digest.FromCache)
        {
            CacheHits++;
        }
        else
        {
            BytesFetched += digest.BytesFetched;
            foreach (var (stage, ms) in digest.StageMilliseconds)
            {
                AddStage(stage == "probe" ? "video_probe" : stage, ms);
            }
        }

        AddStage("queue", resolved.Waited);
        _items.Add(w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "video");
            w.WriteString("url", resolved.Url);
            w.WriteBoolean("cache_hit", digest.FromCache);
            w.WriteNumber("bytes_fetched", digest.FromCache ? 0 : digest.BytesFetched);
            w.WriteNumber("duration_s", Math.Round(digest.Duration.TotalSeconds, 2));
            w.WriteNumber("frames", digest.Frames.Count);
            w.WriteNumber("transcript_segments", digest.Transcript.Count);
            w.WriteNumber("transcript_chars", transcriptChars);
            if (digest.TranscriptNote is not null)
            {
                w.WriteString("transcript_note", digest.TranscriptNote);
            }

            w.WriteNumber("ms", Round(resolved.Elapsed.TotalMilliseconds));
            if (!digest.FromCache && digest.StageMilliseconds.Count > 0)
            {
                w.WriteStartObject("stage_ms");
                foreach (var (stage, ms) in digest.StageMilliseconds)
                {
                    w.WriteNumber(stage, Round(ms));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    public void Failed(MediaFailure failure) => _failure ??= failure;

    public void Busy(string stage) => _busyStage ??= stage;

    /// <summary>The record's <c>media_json</c>; <paramref name="totalMs"/> is the media time as a whole.</summary>
    public string ToJson(double totalMs)
    {
        using var buffer = new MemoryStream(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("images", Images);
            w.WriteNumber("videos", Videos);
            w.WriteNumber("frames_sent", FramesSent);
            w.WriteNumber("transcript_chars", TranscriptChars);
            w.WriteNumber("cache_hits", CacheHits);
            w.WriteNumber("bytes_fetched", BytesFetched);
            w.WriteNumber("probes", Probes);
            w.WriteNumber("total_ms", Round(totalMs));
            w.WriteStartObject("stage_ms");
            foreach (var (stage, ms) in _stageMs)
            {
                w.WriteNumber(stage, Round(ms));
            }

            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var item in _items)
            {
                item(w);
            }

            w.WriteEndArray();
            if (_skipped.Count > 0)
            {
                w.WriteStartArray("skipped");
                foreach (var link in _skipped)
                {
                    w.WriteStartObject();
                    w.WriteString("url", link.Url);
                    w.WriteString("reason", link.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (_failure is not null)
            {
                w.WriteStartObject("failure");
                w.WriteString("url", ImageNormalizer.DescribeUrl(_failure.Url));
                w.WriteString("code", _failure.Code);
                w.WriteString("reason", _failure.Reason);
                w.WriteEndObject();
            }

            if (_busyStage is not null)
            {
                w.WriteString("busy_stage", _busyStage);
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void AddStage(string stage, double ms)
    {
        if (ms > 0)
        {
            _stageMs[stage] = _stageMs.GetValueOrDefault(stage) + ms;
        }
    }

    private static double Round(double ms) => Math.Round(ms, 1);
}

using System.Buffers.Binary;
using System.Text.Json;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Caching;

/// <summary>Typed entries over the blob cache: normalised images and video digests, each one blob (JSON header + payload).</summary>
public sealed partial class MediaCache
{
    // Blob layout: magic, int32 big-endian header length, UTF-8 JSON header, then the raw payload bytes.
    private static readonly byte[] ImageMagic = "OMI1"u8.ToArray();
    private static readonly byte[] DigestMagic = "OMV1"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The key of a normalised image: the URL plus everything that changes normalisation.</summary>
    public static string ImageKey(string url, MediaOptions options) => $"image:v1:{url}|{options.ImageFingerprint}";

    /// <summary>
    /// The key of a video digest: the URL plus a fingerprint of what shapes the digest
    /// (frame count, duration limit, Whisper model and language, …), chosen by the video side.
    /// </summary>
    public static string VideoKey(string url, string fingerprint) => $"video:v1:{url}|{fingerprint}";

    /// <summary>The image stored under <paramref name="key"/>, with <see cref="NormalizedImage.FromCache"/> set; null on a miss.</summary>
    public async Task<NormalizedImage?> TryGetImageAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = await TryGetAsync(key, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return null;
        }

        if (!TrySplit(blob, ImageMagic, out var header, out var payload)
            || JsonSerializer.Deserialize<ImageHeader>(header, Json) is not { } h)
        {
            Remove(key);
            return null;
        }

        return new NormalizedImage(h.MediaType, payload.ToArray(), h.Width, h.Height, h.SourceBytes, FromCache: true);
    }

    /// <summary>Stores a normalised image under <paramref name="key"/>.</summary>
    public Task PutImageAsync(string key, NormalizedImage image, CancellationToken cancellationToken = default)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new ImageHeader(image.MediaType, image.Width, image.Height, image.SourceBytes), Json);
        return PutAsync(key, Join(ImageMagic, header, [image.Bytes]), cancellationToken);
    }

    /// <summary>
    /// The digest stored under <paramref name="key"/>, with <see cref="VideoDigest.FromCache"/> set; null on a miss.
    /// Every other member (bytes fetched, stage timings) is as it was when the digest was made.
    /// </summary>
    public async Task<VideoDigest?> TryGetDigestAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = await TryGetAsync(key, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return null;
        }

        if (!TrySplit(blob, DigestMagic, out var header, out var payload)
            || JsonSerializer.Deserialize<DigestHeader>(header, Json) is not { } h
            || h.Frames.Sum(f => (long)f.Length) != payload.Length)
        {
            Remove(key);
            return null;
        }

        var frames = new List<VideoFrame>(h.Frames.Count);
        var offset = 0;
        foreach (var f in h.Frames)
        {
            frames.Add(new VideoFrame(TimeSpan.FromTicks(f.AtTicks), payload.Slice(offset, f.Length).ToArray(), f.Width, f.Height));
            offset += f.Length;
        }

        var transcript = h.Transcript.Select(s => new TranscriptSegment(TimeSpan.FromTicks(s.StartTicks), TimeSpan.FromTicks(s.EndTicks), s.Text)).ToList();
        return new VideoDigest(h.SourceUrl, TimeSpan.FromTicks(h.DurationTicks), frames, transcript, h.TranscriptNote,
            h.BytesFetched, FromCache: true, h.StageMilliseconds);
    }

    /// <summary>Stores a video digest (frames and transcript) under <paramref name="key"/>.</summary>
    public Task PutDigestAsync(string key, VideoDigest digest, CancellationToken cancellationToken = default)
    {
        var header = new DigestHeader(
            digest.SourceUrl,
            digest.Duration.Ticks,
            digest.Frames.Select(f => new FrameHeader(f.At.Ticks, f.Width, f.Height, f.Jpeg.Length)).ToList(),
            digest.Transcript.Select(s => new SegmentHeader(s.Start.Ticks, s.End.Ticks, s.Text)).ToList(),
            digest.TranscriptNote,
            digest.BytesFetched,
            new Dictionary<string, double>(digest.StageMilliseconds));
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        return PutAsync(key, Join(DigestMagic, headerBytes, digest.Frames.Select(f => f.Jpeg)), cancellationToken);
    }

    private static byte[] Join(byte[] magic, byte[] header, IEnumerable<byte[]> payloads)
    {
        var parts = payloads.ToList();
        var blob = new byte[magic.Length + 4 + header.Length + parts.Sum(p => p.Length)];
        magic.CopyTo(blob, 0);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(magic.Length), header.Length);
        header.CopyTo(blob, magic.Length + 4);
        var offset = magic.Length + 4 + header.Length;
        foreach (var part in parts)
        {
            part.CopyTo(blob, offset);
            offset += part.Length;
        }

        return blob;
    }

    private static bool TrySplit(byte[] blob, byte[] magic, out ReadOnlySpan<byte> header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (blob.Length < magic.Length + 4 || !blob.AsSpan(0, magic.Length).SequenceEqual(magic))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(magic.Length));
        if (length < 0 || length > blob.Length - magic.Length - 4)
        {
            return false;
        }

        header = blob.AsSpan(magic.Length + 4, length);
        payload = blob.AsSpan(magic.Length + 4 + length);
        return true;
    }

    private sealed record ImageHeader(string MediaType, int Width, int Height, long SourceBytes);

    private sealed record FrameHeader(long AtTicks, int Width, int Height, int Length);

    private sealed record SegmentHeader(long StartTicks, long EndTicks, string Text);

    private sealed record DigestHeader(
        string SourceUrl,
        long DurationTicks,
        List<FrameHeader> Frames,
        List<SegmentHeader> Transcript,
        string? TranscriptNote,
        long BytesFetched,
        Dictionary<string, double> StageMilliseconds);
}

using System.Text;
using FFMpegCore;
using FFMpegCore.Exceptions;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Video;

/// <summary>What ffprobe found in a downloaded video.</summary>
/// <param name="StartTime">The container's first timestamp; frame times from ffmpeg are shifted by it.</param>
public sealed record VideoInfo(
    TimeSpan Duration, TimeSpan StartTime, int Width, int Height, double FrameRate, bool HasAudio, string Format);

/// <summary>Reads a downloaded file with ffprobe and refuses what the pipeline cannot or must not handle.</summary>
internal sealed class VideoProbe(MediaOptions options)
{
    /// <summary>
    /// Probes <paramref name="path"/>. Throws <see cref="MediaFailure"/>: <see cref="MediaFailure.Unsupported"/> for
    /// text, web pages or files without a video stream; <see cref="MediaFailure.Corrupt"/> for files ffprobe cannot
    /// read or whose length is unknown; <see cref="MediaFailure.TooLong"/> past <see cref="MediaOptions.MaxVideoSeconds"/>.
    /// </summary>
    public Task<VideoInfo> ProbeAsync(string path, string url, CancellationToken cancellationToken) =>
        StageLimits.RunAsync(url, "probing the video", options.VideoStageTimeout, async token =>
        {
            IMediaAnalysis analysis;
            try
            {
                analysis = await FFProbe.AnalyseAsync(path, options.FFOptions, cancellationToken: token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FFMpegException or FFProbeException or FormatNullException &&
                                      !token.IsCancellationRequested)
            {
                throw Unreadable(path, url, e);
            }

            return Check(analysis, url);
        }, cancellationToken);

    private VideoInfo Check(IMediaAnalysis analysis, string url)
    {
        // Cover art in audio files shows up as a one-frame video stream marked attached_pic.
        var video = analysis.VideoStreams.FirstOrDefault(s =>
            !(s.Disposition?.TryGetValue("attached_pic", out var attached) == true && attached) &&
            s.CodecName is not ("ansi" or "tty"));
        if (video is null)
        {
            var what = analysis.AudioStreams.Count > 0 ? "audio only" : "no video stream";
            throw new MediaFailure(MediaFailure.Unsupported, url, $"the link is not a video ({what})");
        }

        var duration = analysis.Format.Duration > TimeSpan.Zero ? analysis.Format.Duration : video.Duration;
        if (duration <= TimeSpan.Zero)
        {
            throw new MediaFailure(MediaFailure.Corrupt, url, "the video's length cannot be read");
        }

        if (duration.TotalSeconds > options.MaxVideoSeconds)
        {
            throw new MediaFailure(MediaFailure.TooLong, url,
                $"the video lasts {duration.TotalSeconds:0} s, longer than the {options.MaxVideoSeconds} s allowed");
        }

        return new VideoInfo(
            duration,
            analysis.Format.StartTime > TimeSpan.Zero ? analysis.Format.StartTime : TimeSpan.Zero,
            video.Width ?? 0,
            video.Height ?? 0,
            video.AverageFrameRate,
            analysis.AudioStreams.Count > 0,
            analysis.Format.FormatName ?? "");
    }

    /// <summary>
    /// A file ffprobe cannot read is either not a video at all (yt-dlp "downloads" a text or HTML URL with
    /// success) or a broken one; the first bytes tell which, so the client gets the more useful reason.
    /// </summary>
    private static MediaFailure Unreadable(string path, string url, Exception e)
    {
        if (LooksLikeText(path))
        {
            return new MediaFailure(MediaFailure.Unsupported, url, "the link gave text or a web page, not a video", e);
        }

        return new MediaFailure(MediaFailure.Corrupt, url, $"the video cannot be read ({FfmpegText.Reason(e)})", e);
    }

    private static bool LooksLikeText(string path)
    {
        var head = new byte[512];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == 0)
        {
            return false;
        }

        var span = head.AsSpan(0, read);
        span = span.StartsWith(Encoding.UTF8.Preamble) ? span[Encoding.UTF8.Preamble.Length..] : span;
        var printable = 0;
        foreach (var b in span)
        {
            if (b is (byte)'\t' or (byte)'\n' or (byte)'\r' || b >= 0x20)
            {
                printable++;
            }
        }

        // Text is almost all printable and valid UTF-8; compressed video is neither.
        return printable == span.Length && IsUtf8Prefix(span);
    }

    private static bool IsUtf8Prefix(ReadOnlySpan<byte> bytes)
    {
        // The 512-byte window may cut a multi-byte character at its end: allow up to 3 bytes of it.
        for (var cut = 0; cut <= Math.Min(3, bytes.Length); cut++)
        {
            if (System.Text.Unicode.Utf8.IsValid(bytes[..^cut]))
            {
                return true;
            }
        }

        return false;
    }
}

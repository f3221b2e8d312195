using FFMpegCore.Exceptions;

namespace OaiRouter.Media.Video;

/// <summary>Short, client-safe reasons from ffmpeg's and ffprobe's error output.</summary>
internal static class FfmpegText
{
    private const int MaxReasonLength = 160;

    /// <summary>The most telling line of an FFMpegCore failure: ffmpeg's last error line, without paths.</summary>
    public static string Reason(Exception e)
    {
        var lines = e switch
        {
            FFMpegProcessException p => p.Result.StandardError,
            _ => e.Message.Split('\n'),
        };
        return Reason(lines);
    }

    /// <summary>The last non-empty line, with the input's path (a local temp path) replaced.</summary>
    public static string Reason(IEnumerable<string> lines)
    {
        var last = lines.Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no detail";
        // ffmpeg prefixes errors with the input path ("/tmp/…/source.media: Invalid data …"); the client
        // needs the reason, not our temp layout.
        var colon = last.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && last[..colon].Contains('/'))
        {
            last = last[(colon + 2)..];
        }

        return last.Length <= MaxReasonLength ? last : last[..MaxReasonLength] + "…";
    }
}

using System.Collections.Concurrent;

namespace OaiRouter.Media.Video;

/// <summary>
/// A video on local disk, probed and within limits, in its own working folder. Disposing removes the folder
/// and everything made in it (audio, candidate frames). Made by <see cref="VideoPipeline.DownloadAsync"/>.
/// </summary>
public sealed class DownloadedVideo : IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, double> _stages = new();
    private int _disposed;

    internal DownloadedVideo(string url, string workDir, string path)
    {
        Url = url;
        WorkDir = workDir;
        Path = path;
    }

    /// <summary>The link the video came from.</summary>
    public string Url { get; }

    /// <summary>The video's private working folder.</summary>
    public string WorkDir { get; }

    /// <summary>The downloaded file.</summary>
    public string Path { get; }

    /// <summary>What ffprobe found; set once probed.</summary>
    public VideoInfo Info { get; internal set; } = null!;

    /// <summary>Bytes downloaded.</summary>
    public long Bytes { get; internal set; }

    /// <summary>Milliseconds per stage so far ("download", "probe", "audio", "transcribe", "frames").</summary>
    public IReadOnlyDictionary<string, double> StageMilliseconds => _stages;

    internal void Record(string stage, TimeSpan elapsed) => _stages[stage] = Math.Round(elapsed.TotalMilliseconds, 1);

    /// <summary>Removes the working folder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            RemoveFolder(WorkDir);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Deletes a folder tree. A process killed a moment ago may still be closing a file in it, so this retries
    /// briefly, and never throws: a left-over temp folder must not hide the failure being reported.
    /// </summary>
    internal static void RemoveFolder(string folder)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(20 * (attempt + 1));
            }
        }
    }
}

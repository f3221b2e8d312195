using CliWrap;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Media.Video;

/// <summary>
/// Downloads the video of a page (a video site, or any HTML page with a <c>&lt;video&gt;</c>) with Debian's
/// <c>yt-dlp</c>. yt-dlp writes the video to its standard output, which is counted on the way to a file: its own
/// <c>--max-filesize</c> is not enforced without a Content-Length, and ends with exit code 0 and no file when it is.
/// Past the cap, on timeout or on cancellation the process is killed and the partial file removed.
/// Every connection yt-dlp makes (the page, its redirects, the media URLs inside it) goes through a
/// <see cref="CheckingProxy"/> started for the run, which refuses what <paramref name="vetter"/> refuses.
/// </summary>
internal sealed class YtDlp(string executable, TimeSpan timeout, HostVetter vetter, TimeProvider? timeProvider = null)
{
    private const int StderrLinesKept = 20;
    private const int MaxReasonLength = 200;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// The arguments yt-dlp runs with: no user config or cache, one video, best single-file format, to stdout, all
    /// traffic through <paramref name="proxy"/>. Only formats fetched over http(s) or HLS are taken, and by yt-dlp's
    /// own downloaders: ffmpeg or rtmpdump would open connections (rtmp, rtsp, …) that no HTTP proxy sees.
    /// </summary>
    internal static IReadOnlyList<string> Arguments(string url, Uri proxy) =>
    [
        "--ignore-config", "--no-cache-dir", "--no-playlist", "--no-progress", "--no-warnings",
        "--proxy", proxy.ToString().TrimEnd('/'), "--downloader", "native",
        "--socket-timeout", "10", "--retries", "2", "-f", "b[protocol^=http]/b[protocol^=m3u8]", "-o", "-",
        // The URL after "--" can never be read as an option.
        "--", url,
    ];

    /// <summary>
    /// Downloads <paramref name="url"/>'s video to <paramref name="path"/> and returns its size in bytes.
    /// Throws <see cref="MediaFailure"/>: <see cref="MediaFailure.TooLarge"/> past <paramref name="maxBytes"/>,
    /// <see cref="MediaFailure.Timeout"/>, <see cref="MediaFailure.Unsupported"/> when yt-dlp finds no video,
    /// <see cref="MediaFailure.Refused"/> when it failed after the proxy refused an address (naming it),
    /// <see cref="MediaFailure.FetchFailed"/> for other failures; <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled. No file is left behind on any failure.
    /// </summary>
    public async Task<long> DownloadAsync(string url, string path, long maxBytes, CancellationToken cancellationToken)
    {
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        kill.CancelAfter(timeout);
        var stderr = new StderrTail(StderrLinesKept);
        var target = new CappedFileTarget(path, maxBytes, kill);
        // Started per run, stopped with it (the kill token covers cancellation, timeout and the size cap).
        await using var proxy = CheckingProxy.Start(vetter, CheckingProxyLimits.Default, _time, kill.Token);
        var command = Cli.Wrap(executable)
            .WithArguments(Arguments(url, proxy.Address))
            // Python's urllib skips even an explicit proxy for hosts in no_proxy (e.g. localhost, or "*").
            .WithEnvironmentVariables(env => env.Set("no_proxy", null).Set("NO_PROXY", null))
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(target)
            .WithStandardErrorPipe(PipeTarget.ToDelegate(stderr.Add));
        try
        {
            CommandResult result;
            try
            {
                // Cancelling the forceful token kills yt-dlp (and whatever it started).
                result = await command.ExecuteAsync(kill.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (kill.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (target.Exceeded)
                {
                    throw new MediaFailure(MediaFailure.TooLarge, url, $"the video is larger than {maxBytes:N0} bytes", e);
                }

                throw new MediaFailure(MediaFailure.Timeout, url,
                    $"downloading the video took longer than {timeout.TotalSeconds:0.#} s", e);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new MediaFailure(MediaFailure.FetchFailed, url,
                    $"yt-dlp cannot be started ('{executable}', YTDLP_PATH): {e.Message}", e);
            }

            if ((result.ExitCode != 0 || target.BytesWritten == 0) && proxy.Refusals.Count > 0)
            {
                // yt-dlp only saw "403 Forbidden"; the proxy knows which address was refused and why.
                throw new MediaFailure(MediaFailure.Refused, url,
                    $"the page led to a refused address: {proxy.Refusals[0].Reason}");
            }

            if (result.ExitCode != 0)
            {
                throw Failure(url, result.ExitCode, stderr.Lines);
            }

            if (target.BytesWritten == 0)
            {
                throw new MediaFailure(MediaFailure.FetchFailed, url, "yt-dlp delivered no video");
            }

            return target.BytesWritten;
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Maps yt-dlp's last <c>ERROR:</c> line to a failure with a short reason.</summary>
    internal static MediaFailure Failure(string url, int exitCode, IReadOnlyList<string> stderr)
    {
        var error = stderr.LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal))
                    ?? stderr.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))
                    ?? $"exit code {exitCode}";
        var reason = error.StartsWith("ERROR:", StringComparison.Ordinal) ? error["ERROR:".Length..].Trim() : error.Trim();
        if (reason.Length > MaxReasonLength)
        {
            reason = reason[..MaxReasonLength] + "…";
        }

        var code = reason.Contains("Unsupported URL", StringComparison.OrdinalIgnoreCase) ||
                   reason.Contains("No video formats found", StringComparison.OrdinalIgnoreCase)
            ? MediaFailure.Unsupported
            : MediaFailure.FetchFailed;
        return new MediaFailure(code, url, $"yt-dlp: {reason}");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open in a dying process: the caller's working folder is removed after it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Copies yt-dlp's output to a file, counting bytes; past the cap it stops reading and cancels the token that
    /// kills the process. Cancelling rather than throwing from here: an exception in a pipe target leaves
    /// CliWrap waiting on a process that is blocked writing to a pipe nobody reads.
    /// </summary>
    private sealed class CappedFileTarget(string path, long maxBytes, CancellationTokenSource kill) : PipeTarget
    {
        private long _bytesWritten;

        public long BytesWritten => Interlocked.Read(ref _bytesWritten);

        public bool Exceeded { get; private set; }

        public override async Task CopyFromAsync(Stream origin, CancellationToken cancellationToken = default)
        {
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            var buffer = new byte[81920];
            while (true)
            {
                var read = await origin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                if (BytesWritten + read > maxBytes)
                {
                    Exceeded = true;
                    await kill.CancelAsync().ConfigureAwait(false);
                    // Drain nothing more: the process is being killed, which closes the pipe.
                    return;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _bytesWritten, read);
            }
        }
    }

    /// <summary>The last lines yt-dlp wrote to stderr, bounded so a chatty run cannot grow memory.</summary>
    private sealed class StderrTail(int capacity)
    {
        private readonly Queue<string> _lines = new();
        private readonly Lock _lock = new();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lock)
                {
                    return _lines.ToList();
                }
            }
        }

        public void Add(string line)
        {
            lock (_lock)
            {
                _lines.Enqueue(line.Length > 500 ? line[..500] : line);
                while (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}

using System.Runtime.ExceptionServices;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Transcription;

namespace OaiRouter.Media.Video;

/// <summary>A video's transcript, or why it has none.</summary>
/// <param name="Note">Why <paramref name="Segments"/> is empty (no model, no audio, no speech); null when it is not.</param>
public sealed record VideoTranscript(IReadOnlyList<TranscriptSegment> Segments, string? Note);

/// <summary>
/// Turns a video link into a <see cref="VideoDigest"/>: download (directly, or through yt-dlp for pages), probe,
/// then transcript and keyframes side by side. Each call works in its own temporary folder, removed on success,
/// failure and cancellation. Expected problems are <see cref="MediaFailure"/>s; the caller's cancellation is an
/// <see cref="OperationCanceledException"/> and stops every process the call started.
/// </summary>
/// <remarks>
/// <see cref="ProcessAsync"/> does everything. The stages are also public (<see cref="DownloadAsync"/>,
/// <see cref="TranscribeAsync"/>, <see cref="ExtractFramesAsync"/>, <see cref="Compose"/>) so that callers
/// can run transcriptions and frame extractions through separately bounded queues.
/// </remarks>
public sealed class VideoPipeline
{
    /// <summary>Note when the video has no audio track.</summary>
    public const string NoAudioNote = "the video has no audio track";

    /// <summary>Note when the model heard no speech.</summary>
    public const string NoSpeechNote = "no speech was recognised in the audio";

    private readonly MediaOptions _options;
    private readonly WhisperTranscriber _transcriber;
    private readonly Func<string, string, long, CancellationToken, Task> _fetchToFile;
    private readonly TimeProvider _time;
    private readonly VideoProbe _probe;
    private readonly AudioExtractor _audio;
    private readonly KeyframeExtractor _keyframes;
    private readonly YtDlp _ytDlp;
    private readonly PageUrlGuard _pageGuard;

    /// <param name="options">Limits and tools.</param>
    /// <param name="transcriber">Speech to text; may be unconfigured (frames only).</param>
    /// <param name="fetchToFile">
    /// Downloads a direct video link: <c>(url, path, maxBytes, cancellationToken)</c>, SSRF-checked and capped while
    /// streaming, throwing <see cref="MediaFailure"/>. The router passes
    /// <c>(u, p, max, ct) =&gt; fetcher.FetchToFileAsync(u, p, max, options.VideoDownloadTimeout, ct)</c>
    /// (<see cref="SafeHttpFetcher"/>), so that videos get the video download time limit rather than the image one.
    /// </param>
    /// <param name="resolver">Resolves a video page's host before yt-dlp is given it, and every host yt-dlp then connects to (through its proxy); the system resolver when null.</param>
    /// <param name="timeProvider">Clock for stage timings.</param>
    public VideoPipeline(
        MediaOptions options,
        WhisperTranscriber transcriber,
        Func<string, string, long, CancellationToken, Task> fetchToFile,
        IHostResolver? resolver = null,
        TimeProvider? timeProvider = null)
    {
        _options = options;
        _transcriber = transcriber;
        _fetchToFile = fetchToFile;
        _time = timeProvider ?? TimeProvider.System;
        _probe = new VideoProbe(options);
        _audio = new AudioExtractor(options);
        _keyframes = new KeyframeExtractor(options);
        resolver ??= new DnsHostResolver();
        _ytDlp = new YtDlp(options.YtDlpPath, options.VideoDownloadTimeout, new HostVetter(options.AllowPrivateNetworks, resolver), _time);
        _pageGuard = new PageUrlGuard(options, resolver);
    }

    /// <summary>Downloads, probes, transcribes and extracts keyframes from the video at <paramref name="url"/>.</summary>
    /// <param name="kind"><see cref="MediaKind.VideoPage"/> goes through yt-dlp; <see cref="MediaKind.Video"/> and <see cref="MediaKind.Unknown"/> are fetched directly.</param>
    public async Task<VideoDigest> ProcessAsync(string url, MediaKind kind, CancellationToken cancellationToken)
    {
        await using var video = await DownloadAsync(url, kind, cancellationToken).ConfigureAwait(false);

        // Both stages read the same file; whichever fails first stops the other, and both have ended (their
        // processes too) before the working folder is removed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var transcript = StopOthersOnFailure(TranscribeAsync(video, stop.Token), stop);
        var frames = StopOthersOnFailure(ExtractFramesAsync(video, stop.Token), stop);
        try
        {
            await Task.WhenAll(transcript, frames).ConfigureAwait(false);
        }
        catch
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cause = new Task[] { transcript, frames }
                .Where(t => t.IsFaulted)
                .Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }

        return Compose(video, await transcript.ConfigureAwait(false), await frames.ConfigureAwait(false));
    }

    /// <summary>
    /// Downloads the video into a new working folder and probes it. The caller owns the result and disposes it
    /// (which removes the folder); on failure nothing is left behind.
    /// </summary>
    public async Task<DownloadedVideo> DownloadAsync(string url, MediaKind kind, CancellationToken cancellationToken)
    {
        if (kind == MediaKind.Image)
        {
            throw new ArgumentException("An image link is not a video.", nameof(kind));
        }

        var workDir = Path.Combine(_options.VideoWorkRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        // No extension: ffprobe then recognises the format by content, never by a name (".txt" would pick its
        // text-art demuxer).
        var video = new DownloadedVideo(url, workDir, Path.Combine(workDir, "source.media"));
        try
        {
            var started = _time.GetTimestamp();
            if (kind == MediaKind.VideoPage)
            {
                await _pageGuard.CheckAsync(url, cancellationToken).ConfigureAwait(false);
                video.Bytes = await _ytDlp.DownloadAsync(url, video.Path, _options.MaxVideoBytes, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                await StageLimits.RunAsync(url, "downloading the video", _options.VideoDownloadTimeout,
                    token => _fetchToFile(url, video.Path, _options.MaxVideoBytes, token), cancellationToken).ConfigureAwait(false);
                video.Bytes = File.Exists(video.Path) ? new FileInfo(video.Path).Length : 0;
                if (video.Bytes == 0)
                {
                    throw new MediaFailure(MediaFailure.FetchFailed, url, "the link gave an empty body");
                }
            }

            video.Record("download", _time.GetElapsedTime(started));

            started = _time.GetTimestamp();
            video.Info = await _probe.ProbeAsync(video.Path, url, cancellationToken).ConfigureAwait(false);
            video.Record("probe", _time.GetElapsedTime(started));
            return video;
        }
        catch
        {
            video.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The video's transcript with segment times, or a note saying why there is none: no model configured
    /// (<see cref="WhisperTranscriber.NotConfiguredNote"/>), no audio track, or no speech heard.
    /// </summary>
    public async Task<VideoTranscript> TranscribeAsync(DownloadedVideo video, CancellationToken cancellationToken)
    {
        if (!_transcriber.IsConfigured)
        {
            return new VideoTranscript([], WhisperTranscriber.NotConfiguredNote);
        }

        if (!video.Info.HasAudio)
        {
            return new VideoTranscript([], NoAudioNote);
        }

        var wav = Path.Combine(video.WorkDir, "audio.wav");
        var started = _time.GetTimestamp();
        await _audio.ExtractWavAsync(video.Path, wav, video.Url, cancellationToken).ConfigureAwait(false);
        video.Record("audio", _time.GetElapsedTime(started));

        started = _time.GetTimestamp();
        var segments = await StageLimits.RunAsync(video.Url, "transcribing the audio", _options.TranscribeTimeout,
            token => _transcriber.TranscribeAsync(wav, token), cancellationToken).ConfigureAwait(false);
        video.Record("transcribe", _time.GetElapsedTime(started));
        return new VideoTranscript(segments, segments.Count == 0 ? NoSpeechNote : null);
    }

    /// <summary>The video's keyframes, in time order, near-duplicates dropped, at most <see cref="MediaOptions.MaxFrames"/>.</summary>
    public async Task<IReadOnlyList<VideoFrame>> ExtractFramesAsync(DownloadedVideo video, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var frames = await _keyframes.ExtractAsync(video.Path, video.Info, Path.Combine(video.WorkDir, "frames"), video.Url,
            cancellationToken).ConfigureAwait(false);
        video.Record("frames", _time.GetElapsedTime(started));
        return frames;
    }

    /// <summary>The digest of a video from its stages' results.</summary>
    public static VideoDigest Compose(DownloadedVideo video, VideoTranscript transcript, IReadOnlyList<VideoFrame> frames) =>
        new(video.Url, video.Info.Duration, frames, transcript.Segments, transcript.Note, video.Bytes, FromCache: false,
            new Dictionary<string, double>(video.StageMilliseconds));

    private static async Task<T> StopOthersOnFailure<T>(Task<T> task, CancellationTokenSource stop)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}

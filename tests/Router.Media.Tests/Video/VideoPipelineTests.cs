using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Transcription;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

public sealed class VideoPipelineTests : IDisposable
{
    private const string Url = "https://videos.example.test/clip.mp4";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task DirectVideo_WithSpeechModel_GivesSceneFramesAndTheTranscriptPath()
    {
        var clip = await TestClips.ScenesWithSpeech;
        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel, "auto", threads: 2);
        var pipeline = Pipeline(transcriber, CopyOf(clip));

        var digest = await pipeline.ProcessAsync(Url, MediaKind.Video, CancellationToken.None);

        Assert.Equal(Url, digest.SourceUrl);
        Assert.InRange(digest.Duration.TotalSeconds, 5.9, 6.1);
        Assert.Equal([0.0, 2.0, 4.0], digest.Frames.Select(f => Math.Round(f.At.TotalSeconds, 1)));
        // The stub model runs the whole path and hears nothing.
        Assert.Empty(digest.Transcript);
        Assert.Equal(VideoPipeline.NoSpeechNote, digest.TranscriptNote);
        Assert.Equal(new FileInfo(clip).Length, digest.BytesFetched);
        Assert.False(digest.FromCache);
        Assert.Equal(["audio", "download", "frames", "probe", "transcribe"], digest.StageMilliseconds.Keys.Order());
        Assert.All(digest.StageMilliseconds.Values, ms => Assert.True(ms >= 0));
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task NoSpeechModel_GivesFramesAndSaysSo()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, CopyOf(await TestClips.ScenesWithSpeech));

        var digest = await pipeline.ProcessAsync(Url, MediaKind.Video, CancellationToken.None);

        Assert.Equal(3, digest.Frames.Count);
        Assert.Empty(digest.Transcript);
        Assert.Equal("no speech model is configured on this router (WHISPER_MODEL_PATH)", digest.TranscriptNote);
        Assert.DoesNotContain("audio", digest.StageMilliseconds.Keys);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task SilentVideo_SaysItHasNoAudio()
    {
        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel);
        var pipeline = Pipeline(transcriber, CopyOf(await TestClips.Static));

        var digest = await pipeline.ProcessAsync(Url, MediaKind.Unknown, CancellationToken.None);

        Assert.Single(digest.Frames);
        Assert.Equal(VideoPipeline.NoAudioNote, digest.TranscriptNote);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task VideoPage_GoesThroughYtDlp()
    {
        var clip = await TestClips.ScenesWithSpeech;
        await using var server = await LoopbackVideoServer.StartAsync(clip);
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, (_, _, _, _) => throw new InvalidOperationException("pages are not fetched directly"));
        var page = server.Url("/chunked/page.html");

        var digest = await pipeline.ProcessAsync(page, MediaKind.VideoPage, CancellationToken.None);

        Assert.Equal(page, digest.SourceUrl);
        Assert.Equal(3, digest.Frames.Count);
        Assert.Equal(new FileInfo(clip).Length, digest.BytesFetched);
        AssertWorkFoldersRemoved();
    }

    // yt-dlp "downloads" a text URL and exits 0; the probe is what refuses it.
    [Fact]
    public async Task PageThatGivesText_IsUnsupported()
    {
        await using var server = await LoopbackVideoServer.StartAsync(await TestClips.ScenesWithSpeech);
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var url = server.Url("/notes.txt");

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => Pipeline(transcriber, NoFetch).ProcessAsync(url, MediaKind.VideoPage, CancellationToken.None));

        Assert.Equal(MediaFailure.Unsupported, failure.Code);
        Assert.Equal(url, failure.Url);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task VideoPageOnLoopback_IsRefusedBeforeYtDlpRuns()
    {
        await using var server = await LoopbackVideoServer.StartAsync(await TestClips.ScenesWithSpeech);
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, NoFetch, o => o.AllowPrivateNetworks = false);
        var page = server.Url("/length/page.html");

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => pipeline.ProcessAsync(page, MediaKind.VideoPage, CancellationToken.None));

        Assert.Equal(MediaFailure.Refused, failure.Code);
        Assert.Contains("loopback", failure.Reason);
        Assert.Equal(0, server.Requests);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task TooLong_IsRefusedAfterProbing()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, CopyOf(await TestClips.ScenesWithSpeech), o => o.MaxVideoSeconds = 4);

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => pipeline.ProcessAsync(Url, MediaKind.Video, CancellationToken.None));

        Assert.Equal(MediaFailure.TooLong, failure.Code);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task CorruptVideo_IsRefused()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, CopyOf(await TestClips.Truncated));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => pipeline.ProcessAsync(Url, MediaKind.Video, CancellationToken.None));

        Assert.Equal(MediaFailure.Corrupt, failure.Code);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task FetchFailure_PassesThroughAndCleansUp()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, async (url, path, _, _) =>
        {
            await File.WriteAllBytesAsync(path, new byte[1000]);
            throw new MediaFailure(MediaFailure.TooLarge, url, "the video is larger than 1,000 bytes");
        });

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => pipeline.ProcessAsync(Url, MediaKind.Video, CancellationToken.None));

        Assert.Equal(MediaFailure.TooLarge, failure.Code);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task SlowDownload_TimesOut()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, (_, _, _, token) => Task.Delay(Timeout.Infinite, token), o => o.VideoDownloadTimeoutSeconds = 1);

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => pipeline.ProcessAsync(Url, MediaKind.Video, CancellationToken.None));

        Assert.Equal(MediaFailure.Timeout, failure.Code);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task CancelledDuringDownload_ThrowsAndCleansUp()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pipeline = Pipeline(transcriber, async (_, path, _, token) =>
        {
            await File.WriteAllBytesAsync(path, new byte[1000], token);
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });

        var run = pipeline.ProcessAsync(Url, MediaKind.Video, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task CancelledAfterDownload_ThrowsAndCleansUp()
    {
        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel);
        using var cancel = new CancellationTokenSource();
        var copy = CopyOf(await TestClips.ScenesWithSpeech);
        var pipeline = Pipeline(transcriber, async (url, path, max, token) =>
        {
            await copy(url, path, max, token);
            await cancel.CancelAsync();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.ProcessAsync(Url, MediaKind.Video, cancel.Token));
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task CancelledWhileFfmpegRuns_StopsItAndCleansUp()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        using var cancel = new CancellationTokenSource();
        var pipeline = Pipeline(transcriber, CopyOf(await TestClips.Hd10Seconds));
        var work = _folder.File("work");

        var run = pipeline.ProcessAsync(Url, MediaKind.Video, cancel.Token);
        // ffmpeg's command line names the working folder; cancel as soon as one is seen.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ToolProcesses.WithArgument(work).Count == 0 && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.False(run.IsCompleted, "the pipeline finished before ffmpeg was seen");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await ToolProcesses.AllGoneAsync(work, TimeSpan.FromSeconds(5)), "ffmpeg still runs");
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task Stages_CanRunSeparately()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());
        var pipeline = Pipeline(transcriber, CopyOf(await TestClips.ScenesWithSpeech));

        VideoDigest digest;
        await using (var video = await pipeline.DownloadAsync(Url, MediaKind.Video, CancellationToken.None))
        {
            Assert.True(File.Exists(video.Path));
            Assert.True(video.Info.HasAudio);
            var frames = await pipeline.ExtractFramesAsync(video, CancellationToken.None);
            var transcript = await pipeline.TranscribeAsync(video, CancellationToken.None);
            digest = VideoPipeline.Compose(video, transcript, frames);
        }

        Assert.Equal(3, digest.Frames.Count);
        Assert.Equal(WhisperTranscriber.NotConfiguredNote, digest.TranscriptNote);
        Assert.Equal(["download", "frames", "probe"], digest.StageMilliseconds.Keys.Order());
        AssertWorkFoldersRemoved();
    }

    [Fact]
    public async Task ImageLink_IsNotAVideo()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());

        await Assert.ThrowsAsync<ArgumentException>(() => Pipeline(transcriber, NoFetch).ProcessAsync(Url, MediaKind.Image, CancellationToken.None));
    }

    private static Task NoFetch(string url, string path, long maxBytes, CancellationToken token) =>
        throw new InvalidOperationException("not fetched directly");

    private static Func<string, string, long, CancellationToken, Task> CopyOf(string clip) =>
        async (_, path, maxBytes, token) =>
        {
            Assert.True(new FileInfo(clip).Length <= maxBytes);
            await using var source = File.OpenRead(clip);
            await using var target = File.Create(path);
            await source.CopyToAsync(target, token);
        };

    private VideoPipeline Pipeline(
        WhisperTranscriber transcriber, Func<string, string, long, CancellationToken, Task> fetch, Action<MediaOptions>? change = null) =>
        new(TestOptions.Video(_folder, change), transcriber, fetch);

    private void AssertWorkFoldersRemoved()
    {
        var work = _folder.File("work");
        Assert.True(!Directory.Exists(work) || Directory.GetFileSystemEntries(work).Length == 0,
            $"left behind: {string.Join(", ", Directory.Exists(work) ? Directory.GetFileSystemEntries(work, "*", SearchOption.AllDirectories) : [])}");
    }
}

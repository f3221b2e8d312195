using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

/// <summary>Real yt-dlp against a real Kestrel server on loopback, through its generic extractor.</summary>
public sealed class YtDlpTests : IAsyncLifetime
{
    private const long Cap = 20L * 1024 * 1024;
    private readonly TempFolder _folder = new();
    private LoopbackVideoServer _server = null!;
    private byte[] _clip = [];

    public async Task InitializeAsync()
    {
        var clip = await TestClips.ScenesWithSpeech;
        _clip = await File.ReadAllBytesAsync(clip);
        _server = await LoopbackVideoServer.StartAsync(clip);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    // The chunked page is downloaded in VideoPipelineTests.VideoPage_GoesThroughYtDlp.
    [Theory]
    [InlineData("/length/page.html")]
    [InlineData("/length/clip.mp4")]
    public async Task PageOrDirectLink_DownloadsTheClip(string path)
    {
        var target = _folder.File("video.media");

        var bytes = await YtDlp().DownloadAsync(_server.Url(path), target, Cap, CancellationToken.None);

        Assert.Equal(_clip.Length, bytes);
        Assert.Equal(_clip, await File.ReadAllBytesAsync(target));
    }

    [Fact]
    public async Task ChunkedBodyPastTheCap_IsTooLargeAndKillsTheProcess()
    {
        var target = _folder.File("video.media");
        var url = _server.Url("/endless/page.html");

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => YtDlp().DownloadAsync(url, target, _clip.Length + 1_000_000, CancellationToken.None));

        Assert.Equal(MediaFailure.TooLarge, failure.Code);
        Assert.Equal(url, failure.Url);
        Assert.Empty(_folder.Entries());
        Assert.True(await ToolProcesses.AllGoneAsync(_server.BaseUrl, TimeSpan.FromSeconds(5)), "yt-dlp still runs");
    }

    [Fact]
    public async Task NotFound_IsFetchFailedWithTheReason()
    {
        var failure = await Assert.ThrowsAsync<MediaFailure>(() =>
            YtDlp().DownloadAsync(_server.Url("/missing.html"), _folder.File("video.media"), Cap, CancellationToken.None));

        Assert.Equal(MediaFailure.FetchFailed, failure.Code);
        Assert.Contains("404", failure.Reason);
        Assert.Empty(_folder.Entries());
    }

    [Fact]
    public async Task Cancelled_KillsTheProcessAndRemovesThePartialFile()
    {
        var target = _folder.File("video.media");
        using var cancel = new CancellationTokenSource();
        var download = YtDlp().DownloadAsync(_server.Url("/slow/page.html"), target, Cap, cancel.Token);
        await _server.SlowStarted.WaitAsync(TimeSpan.FromSeconds(20));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.Empty(_folder.Entries());
        Assert.True(await ToolProcesses.AllGoneAsync(_server.BaseUrl, TimeSpan.FromSeconds(5)), "yt-dlp still runs");
        await _server.SlowAborted.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SlowerThanTheTimeout_IsTimeout()
    {
        var target = _folder.File("video.media");
        var ytDlp = new YtDlp("yt-dlp", TimeSpan.FromSeconds(4));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => ytDlp.DownloadAsync(_server.Url("/slow/page.html"), target, Cap, CancellationToken.None));

        Assert.Equal(MediaFailure.Timeout, failure.Code);
        Assert.Empty(_folder.Entries());
    }

    [Fact]
    public async Task MissingExecutable_IsFetchFailedNamingYtDlpPath()
    {
        var ytDlp = new YtDlp("/nonexistent/yt-dlp", TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() =>
            ytDlp.DownloadAsync(_server.Url("/length/page.html"), _folder.File("video.media"), Cap, CancellationToken.None));

        Assert.Equal(MediaFailure.FetchFailed, failure.Code);
        Assert.Contains("YTDLP_PATH", failure.Reason);
    }

    [Fact]
    public void Failure_MapsTheLastErrorLine()
    {
        var unsupported = OaiRouter.Media.Video.YtDlp.Failure("u", 1, ["[generic] Extracting URL: u", "ERROR: Unsupported URL: https://x.test/"]);
        var refused = OaiRouter.Media.Video.YtDlp.Failure("u", 1, ["ERROR: [generic] Unable to download webpage: <urlopen error [Errno 111] Connection refused>"]);
        var silent = OaiRouter.Media.Video.YtDlp.Failure("u", 2, []);

        Assert.Equal((MediaFailure.Unsupported, "yt-dlp: Unsupported URL: https://x.test/"), (unsupported.Code, unsupported.Reason));
        Assert.Equal(MediaFailure.FetchFailed, refused.Code);
        Assert.Contains("Connection refused", refused.Reason);
        Assert.Equal("yt-dlp: exit code 2", silent.Reason);
    }

    [Fact]
    public void Arguments_PutTheUrlAfterDoubleDash()
    {
        var arguments = OaiRouter.Media.Video.YtDlp.Arguments("-oops");

        Assert.Equal(["--", "-oops"], arguments.TakeLast(2));
        Assert.Contains("--ignore-config", arguments);
        Assert.Equal("-", arguments[arguments.ToList().IndexOf("-o") + 1]);
    }

    private static YtDlp YtDlp() => new("yt-dlp", TimeSpan.FromSeconds(60));
}

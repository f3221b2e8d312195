using System.Net;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;
using ConnectLog = OaiRouter.Media.Tests.Support.ConnectLog;
using StaticResolver = OaiRouter.Media.Tests.Support.StaticResolver;
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
        var ytDlp = new YtDlp("yt-dlp", TimeSpan.FromSeconds(4), AnyHost());

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => ytDlp.DownloadAsync(_server.Url("/slow/page.html"), target, Cap, CancellationToken.None));

        Assert.Equal(MediaFailure.Timeout, failure.Code);
        Assert.Empty(_folder.Entries());
    }

    [Fact]
    public async Task MissingExecutable_IsFetchFailedNamingYtDlpPath()
    {
        var ytDlp = new YtDlp("/nonexistent/yt-dlp", TimeSpan.FromSeconds(10), AnyHost());

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
        var arguments = OaiRouter.Media.Video.YtDlp.Arguments("-oops", new Uri("http://127.0.0.1:4321"));

        Assert.Equal(["--", "-oops"], arguments.TakeLast(2));
        Assert.Equal("http://127.0.0.1:4321", arguments[arguments.ToList().IndexOf("--proxy") + 1]);
        Assert.Contains("--ignore-config", arguments);
        Assert.Equal("-", arguments[arguments.ToList().IndexOf("-o") + 1]);
    }

    [Fact]
    public async Task PageOnAnAllowedName_IsDownloadedThroughTheProxy()
    {
        // "page.test" resolves only in the test resolver: yt-dlp can reach it only through the proxy.
        var resolver = StaticResolver.Of(("page.test", "127.0.0.1"));
        var target = _folder.File("video.media");

        var bytes = await Checked(resolver).DownloadAsync(NamedUrl("page.test", "/length/page.html"), target, Cap, CancellationToken.None);

        Assert.Equal(_clip.Length, bytes);
        Assert.Equal(_clip, await File.ReadAllBytesAsync(target));
        Assert.True(resolver.Lookups >= 2, "the page and its video were both looked up by the proxy");
    }

    [Theory]
    [InlineData("/pointing/page.html?src=http://metadata.test/latest/clip.mp4", "metadata.test", "link-local")]
    [InlineData("/pointing/page.html?src=https://metadata.test/clip.mp4", "metadata.test", "link-local")]
    [InlineData("/redirect?to=http://intranet.test/length/page.html", "intranet.test", "private network")]
    [InlineData("/pointing/page.html?src=http://127.0.0.2:9/clip.mp4", "127.0.0.2", "loopback")]
    public async Task PageLeadingToARefusedAddress_IsRefusedNamingTheHost(string path, string host, string reason)
    {
        // Loopback plays the public internet only for "page.test"; the names yt-dlp is led to are never connected to.
        var resolver = StaticResolver.Of(("page.test", "127.0.0.1"), ("metadata.test", "169.254.169.254"), ("intranet.test", "10.0.0.1"));
        var connects = new ConnectLog();
        var url = NamedUrl("page.test", path);

        var failure = await Assert.ThrowsAsync<MediaFailure>(() =>
            Checked(resolver, connects).DownloadAsync(url, _folder.File("video.media"), Cap, CancellationToken.None));

        Assert.Equal(MediaFailure.Refused, failure.Code);
        Assert.Equal(url, failure.Url);
        Assert.Contains(host, failure.Reason);
        Assert.Contains(reason, failure.Reason);
        Assert.Empty(_folder.Entries());
        Assert.All(connects.Endpoints, e => Assert.Equal(new IPEndPoint(IPAddress.Loopback, _server.Port), e));
    }

    private string NamedUrl(string host, string path) => $"http://{host}:{_server.Port}{path}";

    /// <summary>yt-dlp whose proxy refuses private networks, except 127.0.0.1 standing in for a public address.</summary>
    private static YtDlp Checked(IHostResolver resolver, ConnectLog? connects = null) =>
        new("yt-dlp", TimeSpan.FromSeconds(60), new HostVetter(false, resolver,
            ip => ip.Equals(IPAddress.Loopback) ? null : NetworkPolicy.RefusalReason(ip), connects is null ? null : connects.Record));

    /// <summary>The test servers are on loopback: a proxy that allows private networks.</summary>
    private static HostVetter AnyHost() => new(true, new DnsHostResolver());

    private static YtDlp YtDlp() => new("yt-dlp", TimeSpan.FromSeconds(60), AnyHost());
}

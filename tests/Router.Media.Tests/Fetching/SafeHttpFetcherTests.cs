using System.Net;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Fetching;

public sealed class SafeHttpFetcherTests(MediaServerFixture fixture) : IClassFixture<MediaServerFixture>
{
    private readonly MediaServer _server = fixture.Server;

    private static async Task<MediaFailure> FailsWith(string code, Func<Task> fetch)
    {
        var failure = await Assert.ThrowsAsync<MediaFailure>(fetch);
        Assert.Equal(code, failure.Code);
        return failure;
    }

    [Fact]
    public async Task Fetch_Image_ReturnsBytesAndContentType()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var fetched = await fetcher.FetchAsync(_server.Url("/img/photo.png"), TestMedia.ImageCap, CancellationToken.None);
        Assert.Equal("image/png", fetched.ContentType);
        Assert.Equal(_server.FileBytes("/img/photo.png"), fetched.Bytes);
    }

    [Fact]
    public async Task Fetch_HostName_ConnectsToResolvedAddressWithoutSecondLookup()
    {
        var resolver = StaticResolver.Of(("media.test", "127.0.0.1"));
        var connects = new ConnectLog();
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(), resolver, connects: connects);

        // "media.test" exists nowhere but in the test resolver: success means the socket went to the checked address.
        var fetched = await fetcher.FetchAsync(_server.Url("/img/photo.jpg", "media.test"), TestMedia.ImageCap, CancellationToken.None);

        Assert.Equal("image/jpeg", fetched.ContentType);
        Assert.Equal(1, resolver.Lookups);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, _server.Port), Assert.Single(connects.Endpoints));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    [InlineData(500)]
    public async Task Fetch_ErrorStatus_FetchFailedNamingStatus(int status)
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var url = _server.Url($"/status/{status}");
        var failure = await FailsWith(MediaFailure.FetchFailed, () => fetcher.FetchAsync(url, TestMedia.ImageCap, CancellationToken.None));
        Assert.Contains(status.ToString(), failure.Reason);
        Assert.Equal(url, failure.Url);
    }

    [Fact]
    public async Task Fetch_ContentLengthOverCap_RefusedBeforeReading()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var failure = await FailsWith(MediaFailure.TooLarge,
            () => fetcher.FetchAsync(_server.Url("/big/with-length"), TestMedia.ImageCap, CancellationToken.None));
        Assert.Contains("declared", failure.Reason);
    }

    [Fact]
    public async Task Fetch_ChunkedOverCap_StoppedWhileStreaming()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var failure = await FailsWith(MediaFailure.TooLarge,
            () => fetcher.FetchAsync(_server.Url("/big/chunked"), TestMedia.ImageCap, CancellationToken.None));
        Assert.Contains("went past", failure.Reason);
    }

    [Fact]
    public async Task Fetch_SlowHeaders_Timeout()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.FetchTimeoutSeconds = 1));
        await FailsWith(MediaFailure.Timeout, () => fetcher.FetchAsync(_server.Url("/slow"), TestMedia.ImageCap, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_SlowBody_Timeout()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.FetchTimeoutSeconds = 1));
        await FailsWith(MediaFailure.Timeout, () => fetcher.FetchAsync(_server.Url("/slow-body"), TestMedia.ImageCap, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_CallerCancels_OperationCanceled()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.FetchTimeoutSeconds = 20));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(_server.Url("/slow"), TestMedia.ImageCap, cancel.Token));
    }

    [Fact]
    public async Task Fetch_Redirects_FollowedToTheImage()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var target = Uri.EscapeDataString(_server.Url("/img/photo.webp"));
        var fetched = await fetcher.FetchAsync(_server.Url($"/redirect?to={target}&status=301"), TestMedia.ImageCap, CancellationToken.None);
        Assert.Equal("image/webp", fetched.ContentType);
        Assert.Equal("/img/photo.webp", fetched.FinalUrl.AbsolutePath);

        var relative = await fetcher.FetchAsync(_server.Url("/relative-redirect"), TestMedia.ImageCap, CancellationToken.None);
        Assert.Equal("image/png", relative.ContentType);
    }

    [Fact]
    public async Task Fetch_TooManyRedirects_FetchFailedAfterTheLimit()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.MaxRedirects = 3));
        var before = _server.Requests.Count(r => r.StartsWith("/loop/", StringComparison.Ordinal));
        var failure = await FailsWith(MediaFailure.FetchFailed, () => fetcher.FetchAsync(_server.Url("/loop/0"), TestMedia.ImageCap, CancellationToken.None));
        Assert.Contains("redirects", failure.Reason);
        Assert.Equal(4, _server.Requests.Count(r => r.StartsWith("/loop/", StringComparison.Ordinal)) - before);
    }

    [Fact]
    public async Task Fetch_RedirectToPrivateAddress_RefusedBeforeConnecting()
    {
        // Loopback plays the public internet here; 10.0.0.1 is the private network the redirect aims at.
        var resolver = StaticResolver.Of(("public.test", "127.0.0.1"), ("internal.test", "10.0.0.1"));
        var connects = new ConnectLog();
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.AllowPrivateNetworks = false), resolver,
            policy: ip => ip.Equals(IPAddress.Loopback) ? null : NetworkPolicy.RefusalReason(ip), connects);
        var target = Uri.EscapeDataString($"http://internal.test:{_server.Port}/img/photo.png");

        var failure = await FailsWith(MediaFailure.Refused,
            () => fetcher.FetchAsync($"http://public.test:{_server.Port}/redirect?to={target}", TestMedia.ImageCap, CancellationToken.None));

        Assert.Contains("10.0.0.1", failure.Reason);
        Assert.All(connects.Endpoints, e => Assert.Equal(IPAddress.Loopback, e.Address));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:11211/")]
    public async Task Fetch_RedirectToForbiddenTarget_Refused(string location)
    {
        var connects = new ConnectLog();
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.AllowPrivateNetworks = false), resolver: null,
            policy: ip => ip.Equals(IPAddress.Loopback) ? null : NetworkPolicy.RefusalReason(ip), connects);
        await FailsWith(MediaFailure.Refused,
            () => fetcher.FetchAsync(_server.Url($"/redirect?to={Uri.EscapeDataString(location)}"), TestMedia.ImageCap, CancellationToken.None));
        Assert.All(connects.Endpoints, e => Assert.Equal(IPAddress.Loopback, e.Address));
    }

    [Theory]
    [MemberData(nameof(NetworkPolicyTests.RefusedAddresses), MemberType = typeof(NetworkPolicyTests))]
    public async Task Fetch_HostResolvingToRefusedAddress_RefusedBeforeAnyConnection(string address)
    {
        var marker = Guid.NewGuid().ToString("N");
        var resolver = StaticResolver.Of(("evil.test", address));
        var connects = new ConnectLog();
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.AllowPrivateNetworks = false), resolver, connects: connects);

        var failure = await FailsWith(MediaFailure.Refused,
            () => fetcher.FetchAsync($"http://evil.test:{_server.Port}/img/photo.png?m={marker}", TestMedia.ImageCap, CancellationToken.None));

        Assert.Contains(IPAddress.Parse(address).ToString(), failure.Reason);
        Assert.Empty(connects.Endpoints);
        Assert.DoesNotContain(_server.Requests, r => r.Contains(marker, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("localhost")]
    public async Task Fetch_LoopbackLiteralOrName_RefusedBeforeAnyConnection(string host)
    {
        var marker = Guid.NewGuid().ToString("N");
        var connects = new ConnectLog();
        // The system resolver: "localhost" really resolves to loopback.
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.AllowPrivateNetworks = false), connects: connects);

        await FailsWith(MediaFailure.Refused,
            () => fetcher.FetchAsync($"http://{host}:{_server.Port}/img/photo.png?m={marker}", TestMedia.ImageCap, CancellationToken.None));

        Assert.Empty(connects.Endpoints);
        Assert.DoesNotContain(_server.Requests, r => r.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetch_NameWithOnePrivateAddressAmongPublic_Refused()
    {
        var resolver = new StaticResolver(new Dictionary<string, IPAddress[]>
        {
            ["mixed.test"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("192.168.1.10")],
        });
        var connects = new ConnectLog();
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(o => o.AllowPrivateNetworks = false), resolver, connects: connects);
        await FailsWith(MediaFailure.Refused, () => fetcher.FetchAsync("http://mixed.test/a.png", TestMedia.ImageCap, CancellationToken.None));
        Assert.Empty(connects.Endpoints);
    }

    [Theory]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("/relative/path.png")]
    public async Task Fetch_NotHttp_Refused(string url)
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        await FailsWith(MediaFailure.Refused, () => fetcher.FetchAsync(url, TestMedia.ImageCap, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_UnknownHost_FetchFailed()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options(), StaticResolver.Of());
        await FailsWith(MediaFailure.FetchFailed, () => fetcher.FetchAsync("http://nowhere.test/a.png", TestMedia.ImageCap, CancellationToken.None));
    }

    [Fact]
    public async Task Fetch_NothingListening_FetchFailed()
    {
        var port = _server.Port;
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        Assert.NotEqual(port, closedPort);
        await FailsWith(MediaFailure.FetchFailed, () => fetcher.FetchAsync($"http://127.0.0.1:{closedPort}/a.png", TestMedia.ImageCap, CancellationToken.None));
    }

    [Fact]
    public async Task FetchToFile_WritesTheBody()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "clip.mp4");
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var file = await fetcher.FetchToFileAsync(_server.Url("/video/clip.mp4"), path, 1024 * 1024, CancellationToken.None);
        Assert.Equal(64 * 1024, file.Length);
        Assert.Equal("video/mp4", file.ContentType);
        Assert.Equal(_server.FileBytes("/video/clip.mp4"), await File.ReadAllBytesAsync(path));
    }

    [Theory]
    [InlineData("/big/chunked")]
    [InlineData("/big/with-length")]
    public async Task FetchToFile_OverCap_TooLargeAndNoFileLeft(string path)
    {
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, "big.bin");
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        await FailsWith(MediaFailure.TooLarge, () => fetcher.FetchToFileAsync(_server.Url(path), target, 100_000, CancellationToken.None));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task FetchToFile_Cancelled_NoFileLeft()
    {
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, "slow.bin");
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => fetcher.FetchToFileAsync(_server.Url("/slow-body"), target, 1024 * 1024, TimeSpan.FromSeconds(20), cancel.Token));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task FetchHead_ReadsOnlyTheStart()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var head = await fetcher.FetchHeadAsync(_server.Url("/big/chunked"), 1000, CancellationToken.None);
        Assert.Equal(1000, head.Head.Length);
        Assert.Null(head.ContentLength);
    }
}

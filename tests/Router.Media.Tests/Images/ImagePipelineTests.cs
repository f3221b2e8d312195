using System.Diagnostics;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Images;

public sealed class ImagePipelineTests(MediaServerFixture fixture) : IClassFixture<MediaServerFixture>
{
    private readonly MediaServer _server = fixture.Server;

    private int RequestsFor(string path) => _server.Requests.Count(r => r.StartsWith(path, StringComparison.Ordinal));

    [Fact]
    public async Task SameLink_SecondTimeFromCache_WithoutFetching()
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options();
        using var fetcher = TestMedia.Fetcher(options);
        var pipeline = TestMedia.Pipeline(options, fetcher, cacheDir.Path);
        var url = _server.Url($"/img/rotated.jpg?k={Guid.NewGuid():N}");

        var first = await pipeline.GetAsync(url, CancellationToken.None);
        var second = await pipeline.GetAsync(url, CancellationToken.None);
        var fastestHit = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.True((await pipeline.GetAsync(url, CancellationToken.None)).FromCache);
            fastestHit = TimeSpan.FromTicks(Math.Min(fastestHit.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
        }

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal((100, 200), (first.Width, first.Height));
        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal(first.MediaType, second.MediaType);
        Assert.Equal(first.SourceBytes, second.SourceBytes);
        Assert.Equal(1, _server.Requests.Count(r => r == new Uri(url).PathAndQuery));
        // The best of a few: what a hit costs, without the scheduler's noise on a busy machine.
        Assert.True(fastestHit < TimeSpan.FromMilliseconds(20), $"a hit took {fastestHit.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task CachedImage_SurvivesRestart()
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options();
        using var fetcher = TestMedia.Fetcher(options);
        var url = _server.Url($"/img/photo.webp?k={Guid.NewGuid():N}");
        await TestMedia.Pipeline(options, fetcher, cacheDir.Path).GetAsync(url, CancellationToken.None);

        var again = await TestMedia.Pipeline(options, fetcher, cacheDir.Path).GetAsync(url, CancellationToken.None);

        Assert.True(again.FromCache);
    }

    [Fact]
    public async Task ChangedLimits_NotServedFromOldEntries()
    {
        using var cacheDir = new TempFolder();
        var url = _server.Url($"/img/large.png?k={Guid.NewGuid():N}");
        var small = TestMedia.Options(o => o.ImageMaxSide = 300);
        using var fetcher = TestMedia.Fetcher(small);
        var first = await TestMedia.Pipeline(small, fetcher, cacheDir.Path).GetAsync(url, CancellationToken.None);

        var large = TestMedia.Options(o => o.ImageMaxSide = 600);
        var second = await TestMedia.Pipeline(large, fetcher, cacheDir.Path).GetAsync(url, CancellationToken.None);

        Assert.Equal(300, first.Width);
        Assert.False(second.FromCache);
        Assert.Equal(600, second.Width);
    }

    [Theory]
    [InlineData("/img/photo.png", "image/jpeg")]
    [InlineData("/img/alpha.png", "image/png")]
    [InlineData("/img/photo.jpg", "image/jpeg")]
    [InlineData("/img/photo.webp", "image/jpeg")]
    [InlineData("/img/anim.gif", "image/jpeg")]
    [InlineData("/img/photo.bmp", "image/jpeg")]
    [InlineData("/img/no-extension", "image/jpeg")]
    public async Task EachFormat_Normalised(string path, string mediaType)
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options();
        using var fetcher = TestMedia.Fetcher(options);
        var image = await TestMedia.Pipeline(options, fetcher, cacheDir.Path).GetAsync(_server.Url(path), CancellationToken.None);
        Assert.Equal(mediaType, image.MediaType);
        Assert.Equal(_server.FileBytes(path).Length, image.SourceBytes);
        Assert.StartsWith($"data:{mediaType};base64,", image.ToDataUrl());
    }

    [Theory]
    [InlineData("/img/garbage.jpg", MediaFailure.NotAnImage)]
    [InlineData("/img/corrupt.png", MediaFailure.Corrupt)]
    [InlineData("/img/bomb.png", MediaFailure.TooLarge)]
    [InlineData("/big/chunked", MediaFailure.TooLarge)]
    [InlineData("/big/lying-length", MediaFailure.TooLarge)]
    [InlineData("/big/with-length", MediaFailure.TooLarge)]
    [InlineData("/page/plain", MediaFailure.NotAnImage)]
    [InlineData("/status/404", MediaFailure.FetchFailed)]
    public async Task BadLinks_FailWithTheirCode_AndAreNotCached(string path, string code)
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options();
        using var fetcher = TestMedia.Fetcher(options);
        var pipeline = TestMedia.Pipeline(options, fetcher, cacheDir.Path);
        var url = _server.Url(path);

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => pipeline.GetAsync(url, CancellationToken.None));
        var before = RequestsFor(path);
        await Assert.ThrowsAsync<MediaFailure>(() => pipeline.GetAsync(url, CancellationToken.None));

        Assert.Equal(code, failure.Code);
        Assert.Equal(url, failure.Url);
        Assert.Equal(before + 1, RequestsFor(path));
    }

    [Fact]
    public async Task DataUrl_WithinLimits_PassesThroughWithoutCaching()
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options();
        using var fetcher = TestMedia.Fetcher(options);
        var pipeline = TestMedia.Pipeline(options, fetcher, cacheDir.Path);
        var url = $"data:image/webp;base64,{Convert.ToBase64String(TestImages.Webp(64, 64))}";

        var image = await pipeline.GetAsync(url, CancellationToken.None);

        Assert.Equal(url, image.ToDataUrl());
        Assert.Empty(Directory.EnumerateFiles(cacheDir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DataUrl_OverLimits_NormalisedOnceThenCached()
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options(o => o.ImageMaxSide = 500);
        using var fetcher = TestMedia.Fetcher(options);
        var pipeline = TestMedia.Pipeline(options, fetcher, cacheDir.Path);
        var url = $"data:image/png;base64,{Convert.ToBase64String(TestImages.Png(1000, 800))}";

        var first = await pipeline.GetAsync(url, CancellationToken.None);
        var second = await pipeline.GetAsync(url, CancellationToken.None);

        Assert.Equal((500, 400), (first.Width, first.Height));
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
    }

    [Fact]
    public async Task TryGetCached_MissThenHit()
    {
        using var cacheDir = new TempFolder();
        var options = TestMedia.Options();
        using var fetcher = TestMedia.Fetcher(options);
        var pipeline = TestMedia.Pipeline(options, fetcher, cacheDir.Path);
        var url = _server.Url($"/img/photo.png?k={Guid.NewGuid():N}");

        Assert.Null(await pipeline.TryGetCachedAsync(url, CancellationToken.None));
        await pipeline.GetAsync(url, CancellationToken.None);
        Assert.NotNull(await pipeline.TryGetCachedAsync(url, CancellationToken.None));
    }
}

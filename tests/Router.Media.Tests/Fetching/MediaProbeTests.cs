using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Fetching;

public sealed class MediaProbeTests(MediaServerFixture fixture) : IClassFixture<MediaServerFixture>
{
    [Theory]
    [InlineData("/img/no-extension", MediaKind.Image)]
    [InlineData("/img/photo.webp", MediaKind.Image)]
    [InlineData("/video/clip.mp4", MediaKind.Video)]
    [InlineData("/page/with-video", MediaKind.VideoPage)]
    [InlineData("/page/plain", MediaKind.Unknown)]
    [InlineData("/img/garbage.jpg", MediaKind.Unknown)]
    public async Task Probe_DecidesFromContent(string path, MediaKind expected)
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var result = await new MediaProbe(fetcher).ProbeAsync(fixture.Server.Url(path), CancellationToken.None);
        Assert.Equal(expected, result.Kind);
    }

    [Fact]
    public void Decide_VideoContentTypeWithoutMagic_Video() =>
        Assert.Equal(MediaKind.Video, MediaProbe.Decide("video/quicktime", [0, 1, 2]));

    [Fact]
    public void Decide_ImageMagicBeatsDeclaredType() =>
        Assert.Equal(MediaKind.Image, MediaProbe.Decide("text/html", TestImages.Png(2, 2)));

    [Fact]
    public async Task Probe_404_FetchFailed()
    {
        using var fetcher = TestMedia.Fetcher(TestMedia.Options());
        var failure = await Assert.ThrowsAsync<MediaFailure>(() => new MediaProbe(fetcher).ProbeAsync(fixture.Server.Url("/status/404"), CancellationToken.None));
        Assert.Equal(MediaFailure.FetchFailed, failure.Code);
    }
}

using OaiRouter.Media.Detection;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Detection;

public sealed class ContentSnifferTests
{
    [Fact]
    public void SniffImage_EachFormat_Recognised()
    {
        Assert.Equal(ImageFormat.Png, ContentSniffer.SniffImage(TestImages.Png(4, 4)));
        Assert.Equal(ImageFormat.Jpeg, ContentSniffer.SniffImage(TestImages.Jpeg(4, 4)));
        Assert.Equal(ImageFormat.Webp, ContentSniffer.SniffImage(TestImages.Webp(4, 4)));
        Assert.Equal(ImageFormat.Gif, ContentSniffer.SniffImage(TestImages.TwoFrameGif(4, 4)));
        Assert.Equal(ImageFormat.Bmp, ContentSniffer.SniffImage(TestImages.Bmp(4, 4)));
    }

    [Fact]
    public void SniffImage_OtherBytes_Null()
    {
        Assert.Null(ContentSniffer.SniffImage(TestImages.Garbage(100)));
        Assert.Null(ContentSniffer.SniffImage("<html>"u8));
        Assert.Null(ContentSniffer.SniffImage(TestImages.FakeMp4(100)));
        Assert.Null(ContentSniffer.SniffImage([]));
    }

    [Fact]
    public void LooksLikeVideo_Containers_Recognised()
    {
        Assert.True(ContentSniffer.LooksLikeVideo(TestImages.FakeMp4(64)));
        Assert.True(ContentSniffer.LooksLikeVideo([0x1A, 0x45, 0xDF, 0xA3, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0]));
        Assert.True(ContentSniffer.LooksLikeVideo([.. "RIFF"u8, 0, 0, 0, 0, .. "AVI "u8]));
        Assert.False(ContentSniffer.LooksLikeVideo(TestImages.Png(4, 4)));
        Assert.False(ContentSniffer.LooksLikeVideo([0, 0, 0, 24, .. "ftypavif"u8, 0, 0, 0, 0]));
    }

    [Fact]
    public void HtmlHasVideo_VideoTagOrOgVideo()
    {
        Assert.True(ContentSniffer.HtmlHasVideo("<html><VIDEO src=a.mp4>"u8));
        Assert.True(ContentSniffer.HtmlHasVideo("<meta property=\"og:video\" content=\"x\">"u8));
        Assert.False(ContentSniffer.HtmlHasVideo("<html><p>text</p>"u8));
    }
}

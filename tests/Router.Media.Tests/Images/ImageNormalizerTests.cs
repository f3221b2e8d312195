using OaiRouter.Media.Contracts;
using OaiRouter.Media.Images;
using OaiRouter.Media.Tests.Support;
using SkiaSharp;

namespace OaiRouter.Media.Tests.Images;

public sealed class ImageNormalizerTests
{
    private static ImageNormalizer Normalizer(Action<MediaOptions>? change = null) => new(TestMedia.Options(change));

    [Fact]
    public void Png_Opaque_BecomesJpeg()
    {
        var image = Normalizer().Normalize(TestImages.Png(800, 600), "u");
        Assert.Equal("image/jpeg", image.MediaType);
        Assert.Equal((800, 600), (image.Width, image.Height));
        Assert.True(TestImages.IsReddish(TestImages.PixelAt(image.Bytes, 10, 300)));
        Assert.True(TestImages.IsBluish(TestImages.PixelAt(image.Bytes, 790, 300)));
        Assert.False(image.FromCache);
    }

    [Fact]
    public void Png_WithUsedAlpha_StaysPng()
    {
        var image = Normalizer().Normalize(TestImages.PngWithAlpha(200, 100), "u");
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(0, TestImages.PixelAt(image.Bytes, 190, 50).Alpha);
    }

    [Fact]
    public void Large_DownscaledToMaxSide_KeepingAspect()
    {
        var image = Normalizer(o => o.ImageMaxSide = 500).Normalize(TestImages.Png(1600, 800), "u");
        Assert.Equal((500, 250), (image.Width, image.Height));
        using var decoded = SKBitmap.Decode(image.Bytes);
        Assert.Equal((500, 250), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void LargeJpeg_DecodedAtReducedSize()
    {
        var bytes = TestImages.Jpeg(2400, 1600);
        using (var codec = SKCodec.Create(SKData.CreateCopy(bytes)))
        {
            // Wanted 700x467: the codec's 1/4 (600x400) falls short, so 3/8 (900x600), never the full 2400x1600.
            Assert.Equal(new SKSizeI(900, 600), ImageNormalizer.ChooseDecodeSize(codec, 700, 467));
            Assert.Equal(new SKSizeI(2400, 1600), ImageNormalizer.ChooseDecodeSize(codec, 2400, 1600));
        }

        var image = Normalizer(o => o.ImageMaxSide = 700).Normalize(bytes, "u");
        Assert.Equal((700, 467), (image.Width, image.Height));
        Assert.True(TestImages.IsReddish(TestImages.PixelAt(image.Bytes, 100, 200)));
        Assert.True(TestImages.IsBluish(TestImages.PixelAt(image.Bytes, 600, 200)));
    }

    [Fact]
    public void JpegWithExifOrientation6_TurnedUpright()
    {
        // Stored 200x100, red left, blue right; orientation 6 means "rotate 90° clockwise to view".
        var image = Normalizer().Normalize(TestImages.JpegWithOrientation(200, 100, orientation: 6), "u");
        Assert.Equal((100, 200), (image.Width, image.Height));
        Assert.True(TestImages.IsReddish(TestImages.PixelAt(image.Bytes, 50, 20)), "the left side goes to the top");
        Assert.True(TestImages.IsBluish(TestImages.PixelAt(image.Bytes, 50, 180)));
    }

    [Theory]
    [InlineData(3, 200, 100, false)] // 180°: blue left
    [InlineData(8, 100, 200, false)] // 90° counter-clockwise: left side to the bottom
    [InlineData(2, 200, 100, false)] // mirrored: blue left
    public void JpegWithOtherOrientations_TurnedUpright(ushort orientation, int width, int height, bool redAtStart)
    {
        var image = Normalizer().Normalize(TestImages.JpegWithOrientation(200, 100, orientation), "u");
        Assert.Equal((width, height), (image.Width, image.Height));
        var start = TestImages.PixelAt(image.Bytes, 10, 10);
        Assert.Equal(redAtStart, TestImages.IsReddish(start));
        Assert.True(TestImages.IsBluish(start));
    }

    [Fact]
    public void Webp_Normalised()
    {
        var image = Normalizer().Normalize(TestImages.Webp(320, 240), "u");
        Assert.Equal("image/jpeg", image.MediaType);
        Assert.Equal((320, 240), (image.Width, image.Height));
    }

    [Fact]
    public void Gif_FirstFrameOnly()
    {
        var image = Normalizer().Normalize(TestImages.TwoFrameGif(40, 30), "u");
        Assert.Equal((40, 30), (image.Width, image.Height));
        Assert.True(TestImages.IsReddish(TestImages.PixelAt(image.Bytes, 20, 15)), "frame 0 is red, frame 1 blue");
    }

    [Fact]
    public void Bmp_BecomesJpeg()
    {
        var image = Normalizer().Normalize(TestImages.Bmp(64, 48), "u");
        Assert.Equal("image/jpeg", image.MediaType);
        Assert.True(TestImages.IsReddish(TestImages.PixelAt(image.Bytes, 5, 24)));
    }

    [Fact]
    public void NotAnImage_NotAnImageFailure()
    {
        var failure = Assert.Throws<MediaFailure>(() => Normalizer().Normalize("<html>hello</html>"u8.ToArray(), "https://x/a.png"));
        Assert.Equal(MediaFailure.NotAnImage, failure.Code);
        Assert.Equal("https://x/a.png", failure.Url);
    }

    [Fact]
    public void CorruptPng_CorruptFailure()
    {
        var failure = Assert.Throws<MediaFailure>(() => Normalizer().Normalize(TestImages.CorruptPng(), "u"));
        Assert.Equal(MediaFailure.Corrupt, failure.Code);
    }

    [Fact]
    public void TruncatedJpeg_CorruptFailure()
    {
        var jpeg = TestImages.Jpeg(640, 480);
        var failure = Assert.Throws<MediaFailure>(() => Normalizer().Normalize(jpeg[..(jpeg.Length / 2)], "u"));
        Assert.Equal(MediaFailure.Corrupt, failure.Code);
    }

    [Fact]
    public void HugeDimensions_RefusedFromHeaderWithoutDecoding()
    {
        var bomb = TestImages.PngHeaderClaiming(30000, 30000);
        Assert.True(bomb.Length < 200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var failure = Assert.Throws<MediaFailure>(() => Normalizer().Normalize(bomb, "u"));
        Assert.Equal(MediaFailure.TooLarge, failure.Code);
        Assert.Contains("30000x30000", failure.Reason);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void DataUrl_WithinLimits_PassesThroughUnchanged()
    {
        var png = TestImages.PngWithAlpha(100, 50);
        var url = $"data:image/png;base64,{Convert.ToBase64String(png)}";
        var image = Normalizer().NormalizeDataUrl(url);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(png, image.Bytes);
        Assert.Equal(url, image.ToDataUrl());
    }

    [Fact]
    public void DataUrl_OverMaxSide_Normalised()
    {
        var url = $"data:image/png;base64,{Convert.ToBase64String(TestImages.Png(1200, 600))}";
        var image = Normalizer(o => o.ImageMaxSide = 400).NormalizeDataUrl(url);
        Assert.Equal((400, 200), (image.Width, image.Height));
        Assert.Equal("image/jpeg", image.MediaType);
    }

    [Fact]
    public void DataUrl_Rotated_Normalised()
    {
        var url = $"data:image/jpeg;base64,{Convert.ToBase64String(TestImages.JpegWithOrientation(200, 100, 6))}";
        var image = Normalizer().NormalizeDataUrl(url);
        Assert.Equal((100, 200), (image.Width, image.Height));
    }

    [Fact]
    public void DataUrl_Mislabelled_Relabelled()
    {
        var url = $"data:image/png;base64,{Convert.ToBase64String(TestImages.Jpeg(50, 50))}";
        Assert.Equal("image/jpeg", Normalizer().NormalizeDataUrl(url).MediaType);
    }

    [Fact]
    public void DataUrl_Bmp_BecomesJpeg()
    {
        var url = $"data:image/bmp;base64,{Convert.ToBase64String(TestImages.Bmp(20, 20))}";
        Assert.Equal("image/jpeg", Normalizer().NormalizeDataUrl(url).MediaType);
    }

    [Fact]
    public void DataUrl_BadBase64_CorruptNamingShortUrl()
    {
        var failure = Assert.Throws<MediaFailure>(() => Normalizer().NormalizeDataUrl("data:image/png;base64,@@@not base64@@@"));
        Assert.Equal(MediaFailure.Corrupt, failure.Code);
        Assert.StartsWith("data:image/png;base64,…", failure.Url);
    }

    [Fact]
    public void DataUrl_Bomb_Refused()
    {
        var url = $"data:image/png;base64,{Convert.ToBase64String(TestImages.PngHeaderClaiming(30000, 30000))}";
        Assert.Equal(MediaFailure.TooLarge, Assert.Throws<MediaFailure>(() => Normalizer().NormalizeDataUrl(url)).Code);
    }
}

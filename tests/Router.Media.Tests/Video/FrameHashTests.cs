using OaiRouter.Media.Video;
using SkiaSharp;

namespace OaiRouter.Media.Tests.Video;

public sealed class FrameHashTests
{
    [Fact]
    public void SamePicture_HasDistanceZero()
    {
        var a = Hash(Gradient(SKColors.Black, SKColors.White));
        var b = Hash(Gradient(SKColors.Black, SKColors.White));

        Assert.Equal(0, a.Distance(b));
        Assert.True(a.IsNearDuplicateOf(b, 10));
    }

    [Fact]
    public void SlightlyBrighterRecompressedPicture_IsANearDuplicate()
    {
        var a = Hash(Gradient(SKColors.Black, SKColors.White));
        var b = Hash(Gradient(new SKColor(12, 12, 12), SKColors.White, quality: 40));

        Assert.True(a.IsNearDuplicateOf(b, 10));
    }

    [Fact]
    public void MirroredPicture_IsDifferent()
    {
        var a = Hash(Gradient(SKColors.Black, SKColors.White));
        var b = Hash(Gradient(SKColors.White, SKColors.Black));

        Assert.True(a.Distance(b) > 32);
        Assert.False(a.IsNearDuplicateOf(b, 10));
    }

    [Fact]
    public void DifferentFlatColours_AreDifferent()
    {
        // Flat pictures have no gradients (identical dHash bits); their colour tells them apart.
        var red = Hash(Flat(SKColors.Red));
        var blue = Hash(Flat(SKColors.Blue));

        Assert.Equal(0, red.Distance(blue));
        Assert.False(red.IsNearDuplicateOf(blue, 10));
    }

    [Fact]
    public void NotAnImage_GivesNull()
    {
        Assert.Null(FrameHash.Compute("not a jpeg"u8));
    }

    [Fact]
    public void Compute_ReportsTheSize()
    {
        var (_, width, height) = FrameHash.Compute(Flat(SKColors.Green))!.Value;

        Assert.Equal((64, 48), (width, height));
    }

    private static FrameHash Hash(byte[] jpeg) => FrameHash.Compute(jpeg)!.Value.Hash;

    private static byte[] Gradient(SKColor from, SKColor to, int quality = 90) => Draw(canvas =>
    {
        using var paint = new SKPaint();
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(64, 0), [from, to], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, 64, 48, paint);
    }, quality);

    private static byte[] Flat(SKColor colour) => Draw(canvas => canvas.Clear(colour), 90);

    private static byte[] Draw(Action<SKCanvas> draw, int quality)
    {
        using var surface = SKSurface.Create(new SKImageInfo(64, 48));
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}

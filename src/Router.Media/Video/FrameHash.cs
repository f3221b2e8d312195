using System.Numerics;
using SkiaSharp;

namespace OaiRouter.Media.Video;

/// <summary>
/// A perceptual fingerprint of a frame: a 64-bit difference hash (dHash) of its brightness, plus its average
/// colour. dHash alone sees every flat image as the same (no gradients, all bits zero): a red and a blue
/// title card would count as duplicates, so the colour must be close too.
/// </summary>
internal readonly record struct FrameHash(ulong Bits, byte Red, byte Green, byte Blue)
{
    private const int GridWidth = 9;
    private const int GridHeight = 8;

    /// <summary>Average colours further apart than this (0–255, per channel) are different pictures.</summary>
    private const int MaxColourDifference = 24;

    /// <summary>Bits that differ between two hashes.</summary>
    public int Distance(FrameHash other) => BitOperations.PopCount(Bits ^ other.Bits);

    /// <summary>True when the two frames look alike: hashes within <paramref name="maxDistance"/> bits and similar colour.</summary>
    public bool IsNearDuplicateOf(FrameHash other, int maxDistance) =>
        Distance(other) <= maxDistance &&
        Math.Abs(Red - other.Red) <= MaxColourDifference &&
        Math.Abs(Green - other.Green) <= MaxColourDifference &&
        Math.Abs(Blue - other.Blue) <= MaxColourDifference;

    /// <summary>Decodes an image and fingerprints it; null when the bytes are not a decodable image.</summary>
    public static (FrameHash Hash, int Width, int Height)? Compute(ReadOnlySpan<byte> image)
    {
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = SKBitmap.Decode(codec, info);
        if (bitmap is null || bitmap.Width == 0 || bitmap.Height == 0)
        {
            return null;
        }

        return (FromPixels(bitmap), bitmap.Width, bitmap.Height);
    }

    /// <summary>
    /// Box-averages the picture onto a 9×8 grid of brightness by hand rather than asking Skia to downscale
    /// 640 px to 9: the result does not depend on a sampler's mipmap and filter choices.
    /// </summary>
    private static FrameHash FromPixels(SKBitmap bitmap)
    {
        var width = bitmap.Width;
        var height = bitmap.Height;
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        Span<double> cells = stackalloc double[GridWidth * GridHeight];
        Span<int> counts = stackalloc int[GridWidth * GridHeight];
        long red = 0, green = 0, blue = 0;
        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * rowBytes, width * 4);
            var cellY = y * GridHeight / height;
            for (var x = 0; x < width; x++)
            {
                int r = row[x * 4], g = row[(x * 4) + 1], b = row[(x * 4) + 2];
                red += r;
                green += g;
                blue += b;
                var cell = (cellY * GridWidth) + (x * GridWidth / width);
                cells[cell] += (0.299 * r) + (0.587 * g) + (0.114 * b);
                counts[cell]++;
            }
        }

        ulong bits = 0;
        var bit = 0;
        for (var y = 0; y < GridHeight; y++)
        {
            for (var x = 0; x < GridWidth - 1; x++, bit++)
            {
                var left = Mean(cells, counts, (y * GridWidth) + x);
                var right = Mean(cells, counts, (y * GridWidth) + x + 1);
                if (left > right)
                {
                    bits |= 1UL << bit;
                }
            }
        }

        var total = (long)width * height;
        return new FrameHash(bits, (byte)(red / total), (byte)(green / total), (byte)(blue / total));
    }

    private static double Mean(Span<double> cells, Span<int> counts, int index) =>
        counts[index] == 0 ? 0 : cells[index] / counts[index];
}

using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;
using SkiaSharp;

namespace OaiRouter.Media.Images;

/// <summary>
/// Turns image bytes into what a vision model should get: EXIF orientation applied, the longest side
/// downscaled to <see cref="MediaOptions.ImageMaxSide"/>, re-encoded as JPEG (on white) unless transparency
/// is actually used (then PNG); a GIF gives its first frame. The pixel count is checked from the header
/// before anything is decoded, so a small file claiming huge dimensions costs nothing.
/// </summary>
/// <remarks>CPU-bound and synchronous (tens to a few hundred milliseconds); thread-safe.</remarks>
public sealed class ImageNormalizer
{
    private static readonly SKSamplingOptions Downscale = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    // Decoding into sRGB converts from an embedded profile (Display P3, Adobe RGB, …), so colours survive
    // re-encoding; the output is what browsers and models assume.
    private static readonly SKColorSpace Srgb = SKColorSpace.CreateSrgb();

    private readonly MediaOptions _options;

    /// <summary>Creates a normaliser with the configured limits.</summary>
    public ImageNormalizer(IOptions<MediaOptions> options)
        : this(options.Value)
    {
    }

    internal ImageNormalizer(MediaOptions options) => _options = options;

    /// <summary>Normalises fetched image bytes. Throws <see cref="MediaFailure"/> (not an image, corrupt, too many pixels).</summary>
    /// <param name="url">Named in failures.</param>
    public NormalizedImage Normalize(byte[] bytes, string url) => NormalizeCore(bytes, url, declaredType: null, allowPassThrough: false);

    /// <summary>
    /// Handles a <c>data:</c> URL a client sent: a PNG, JPEG, GIF or WebP that is within every limit, upright and
    /// correctly labelled passes through with its bytes unchanged; anything else is normalised.
    /// </summary>
    public NormalizedImage NormalizeDataUrl(string dataUrl) => NormalizeDataUrl(dataUrl, out _);

    /// <param name="passedThrough">True when the client's bytes were kept as they were.</param>
    internal NormalizedImage NormalizeDataUrl(string dataUrl, out bool passedThrough)
    {
        var (declaredType, bytes) = ParseDataUrl(dataUrl);
        var image = NormalizeCore(bytes, DescribeUrl(dataUrl), declaredType, allowPassThrough: true);
        passedThrough = ReferenceEquals(image.Bytes, bytes);
        return image;
    }

    /// <summary>A URL fit for an error message: a <c>data:</c> URL is cut after its header.</summary>
    public static string DescribeUrl(string url)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var comma = url.IndexOf(',');
        var header = comma < 0 ? url[..Math.Min(url.Length, 64)] : url[..Math.Min(comma, 64)];
        return string.Create(CultureInfo.InvariantCulture, $"{header},… ({url.Length:N0} characters)");
    }

    /// <summary>Splits a <c>data:</c> URL into its declared media type and decoded bytes (base64 or percent-encoded).</summary>
    internal static (string MediaType, byte[] Bytes) ParseDataUrl(string dataUrl)
    {
        var described = DescribeUrl(dataUrl);
        var comma = dataUrl.IndexOf(',');
        if (!dataUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            throw new MediaFailure(MediaFailure.NotAnImage, described, "a malformed data: URL");
        }

        var parameters = dataUrl[5..comma].Split(';');
        var mediaType = parameters[0].Trim().ToLowerInvariant();
        var isBase64 = parameters.Skip(1).Any(p => p.Trim().Equals("base64", StringComparison.OrdinalIgnoreCase));
        var payload = dataUrl.AsSpan(comma + 1);
        try
        {
            return (mediaType, isBase64 ? Convert.FromBase64String(payload.ToString()) : PercentDecode(payload));
        }
        catch (FormatException e)
        {
            throw new MediaFailure(MediaFailure.Corrupt, described, "the data: URL's base64 is invalid", e);
        }
    }

    private NormalizedImage NormalizeCore(byte[] bytes, string url, string? declaredType, bool allowPassThrough)
    {
        var format = ContentSniffer.SniffImage(bytes)
            ?? throw new MediaFailure(MediaFailure.NotAnImage, url, "not a PNG, JPEG, GIF, WebP or BMP image");

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new MediaFailure(MediaFailure.Corrupt, url, $"the {format} image's header cannot be read");

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new MediaFailure(MediaFailure.Corrupt, url, $"the {format} image has no pixels");
        }

        var pixels = (long)info.Width * info.Height;
        if (pixels > _options.MaxImagePixels)
        {
            throw new MediaFailure(MediaFailure.TooLarge, url, string.Create(CultureInfo.InvariantCulture,
                $"the image is {info.Width}x{info.Height} pixels, more than the limit of {_options.MaxImagePixels:N0} pixels"));
        }

        var origin = codec.EncodedOrigin;
        var swapsSides = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var uprightWidth = swapsSides ? info.Height : info.Width;
        var uprightHeight = swapsSides ? info.Width : info.Height;
        var scale = Math.Min(1.0, (double)_options.ImageMaxSide / Math.Max(uprightWidth, uprightHeight));

        if (allowPassThrough
            && format is not ImageFormat.Bmp
            && scale >= 1.0
            && origin == SKEncodedOrigin.TopLeft
            && bytes.LongLength <= _options.MaxImageBytes
            && IsDeclaredAs(declaredType, format))
        {
            return new NormalizedImage(format.MediaType(), bytes, info.Width, info.Height, bytes.LongLength, FromCache: false);
        }

        var outWidth = Math.Max(1, (int)Math.Round(uprightWidth * scale));
        var outHeight = Math.Max(1, (int)Math.Round(uprightHeight * scale));
        // Size of the drawn image before it is turned upright.
        var drawWidth = swapsSides ? outHeight : outWidth;
        var drawHeight = swapsSides ? outWidth : outHeight;

        using var decoded = Decode(codec, info, drawWidth, drawHeight, url, format);
        var keepAlpha = UsesAlpha(decoded);

        var outInfo = new SKImageInfo(outWidth, outHeight, SKImageInfo.PlatformColorType,
            keepAlpha ? SKAlphaType.Premul : SKAlphaType.Opaque, Srgb);
        using var surface = SKSurface.Create(outInfo)
            ?? throw new MediaFailure(MediaFailure.Corrupt, url, "no drawing surface for the image");
        var canvas = surface.Canvas;
        // JPEG has no alpha: whatever is transparent is shown on white, as a browser would.
        canvas.Clear(keepAlpha ? SKColors.Transparent : SKColors.White);
        canvas.SetMatrix(OrientationMatrix(origin, drawWidth, drawHeight));
        using (var image = SKImage.FromBitmap(decoded))
        {
            canvas.DrawImage(image, new SKRect(0, 0, drawWidth, drawHeight), Downscale);
        }

        canvas.Flush();
        using var snapshot = surface.Snapshot();
        using var encoded = keepAlpha
            ? snapshot.Encode(SKEncodedImageFormat.Png, 100)
            : snapshot.Encode(SKEncodedImageFormat.Jpeg, _options.JpegQuality);
        if (encoded is null)
        {
            throw new MediaFailure(MediaFailure.Corrupt, url, "the image could not be re-encoded");
        }

        return new NormalizedImage(keepAlpha ? "image/png" : "image/jpeg", encoded.ToArray(), outWidth, outHeight,
            bytes.LongLength, FromCache: false);
    }

    /// <summary>Decodes at <see cref="ChooseDecodeSize"/>; GIFs give frame 0.</summary>
    private static SKBitmap Decode(SKCodec codec, SKImageInfo info, int wantWidth, int wantHeight, string url, ImageFormat format)
    {
        var size = ChooseDecodeSize(codec, wantWidth, wantHeight);
        var alpha = info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType, alpha, Srgb);
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(decodeInfo))
        {
            bitmap.Dispose();
            throw new MediaFailure(MediaFailure.TooLarge, url, "not enough memory to decode the image");
        }

        var result = codec.GetPixels(decodeInfo, bitmap.GetPixels());
        if (result == SKCodecResult.InvalidScale && size != info.Size)
        {
            bitmap.Dispose();
            return Decode(codec, info, info.Width, info.Height, url, format);
        }

        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            var why = result == SKCodecResult.IncompleteInput ? "is truncated" : $"cannot be decoded ({result})";
            throw new MediaFailure(MediaFailure.Corrupt, url, $"the {format} image {why}");
        }

        return bitmap;
    }

    /// <summary>
    /// The smallest size the codec decodes to directly that still covers the wanted size: JPEG decodes at n/8
    /// of full size for much less work (a 4000x3000 photo wanted at 1024 px decodes at 1500x1125), WebP at any
    /// size; other codecs only in full.
    /// </summary>
    internal static SKSizeI ChooseDecodeSize(SKCodec codec, int wantWidth, int wantHeight)
    {
        var full = codec.Info.Size;
        if (wantWidth >= full.Width && wantHeight >= full.Height)
        {
            return full;
        }

        // The codec rounds to its nearest supported scale, which may fall short: step up until it covers.
        var scale = Math.Max((double)wantWidth / full.Width, (double)wantHeight / full.Height);
        for (var attempt = 0; attempt < 8 && scale < 1.0; attempt++, scale += 0.125)
        {
            var scaled = codec.GetScaledDimensions((float)scale);
            if (scaled.Width >= wantWidth && scaled.Height >= wantHeight && scaled.Width <= full.Width && scaled.Height <= full.Height)
            {
                return scaled;
            }
        }

        return full;
    }

    /// <summary>True when some pixel is not fully opaque (an alpha channel that is all 255 does not count).</summary>
    private static bool UsesAlpha(SKBitmap bitmap)
    {
        if (bitmap.AlphaType == SKAlphaType.Opaque)
        {
            return false;
        }

        // 8888 layouts (RGBA and BGRA alike) keep alpha in the top byte of each little-endian pixel.
        var pixels = MemoryMarshal.Cast<byte, uint>(bitmap.GetPixelSpan());
        foreach (var pixel in pixels)
        {
            if (pixel < 0xFF000000u)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Maps an image of <paramref name="width"/>x<paramref name="height"/> as stored onto the upright picture,
    /// following the EXIF orientation (the same matrices as Skia's SkEncodedOriginToMatrix).
    /// </summary>
    internal static SKMatrix OrientationMatrix(SKEncodedOrigin origin, float width, float height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static bool IsDeclaredAs(string? declaredType, ImageFormat format) =>
        declaredType == format.MediaType() || (format == ImageFormat.Jpeg && declaredType is "image/jpg" or "image/pjpeg");

    private static byte[] PercentDecode(ReadOnlySpan<char> text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length
                && byte.TryParse(text.Slice(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }

        return [.. bytes];
    }
}

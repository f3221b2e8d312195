using System.Text;

namespace OaiRouter.Media.Detection;

/// <summary>An image format the router decodes, with its media type.</summary>
public enum ImageFormat
{
    /// <summary>PNG (<c>image/png</c>).</summary>
    Png,
    /// <summary>JPEG (<c>image/jpeg</c>).</summary>
    Jpeg,
    /// <summary>GIF, possibly animated (<c>image/gif</c>).</summary>
    Gif,
    /// <summary>WebP (<c>image/webp</c>).</summary>
    Webp,
    /// <summary>Windows bitmap (<c>image/bmp</c>); never sent upstream as is.</summary>
    Bmp,
}

/// <summary>Tells what bytes are from their first bytes (magic numbers), whatever the server claimed.</summary>
public static class ContentSniffer
{
    /// <summary>The image format of <paramref name="head"/>, or null when it is not one the router decodes.</summary>
    public static ImageFormat? SniffImage(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.Webp;
        }

        return head.StartsWith("BM"u8) && head.Length >= 26 ? ImageFormat.Bmp : null;
    }

    /// <summary>True when <paramref name="head"/> starts like a video container (MP4/MOV, Matroska/WebM, AVI, MPEG-PS/TS).</summary>
    public static bool LooksLikeVideo(ReadOnlySpan<byte> head)
    {
        // ISO base media (mp4, mov, m4v): a box whose type is "ftyp" (or an old QuickTime "moov"/"mdat"/"wide" box).
        if (head.Length >= 12)
        {
            var box = head[4..8];
            if (box.SequenceEqual("ftyp"u8))
            {
                // HEIF/AVIF stills are also "ftyp" files: leave them out.
                var brand = head[8..12];
                return !(brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)
                    || brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8));
            }

            if (box.SequenceEqual("moov"u8) || box.SequenceEqual("mdat"u8) || box.SequenceEqual("wide"u8))
            {
                return true;
            }
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return true; // EBML: Matroska and WebM
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8))
        {
            return true;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0xBA]))
        {
            return true; // MPEG program stream
        }

        return head.Length > 188 && head[0] == 0x47 && head[188] == 0x47; // MPEG transport stream sync bytes
    }

    /// <summary>
    /// True when an HTML page plainly embeds a video (a <c>&lt;video&gt;</c> element or an <c>og:video</c> tag),
    /// which yt-dlp's generic extractor can download.
    /// </summary>
    public static bool HtmlHasVideo(ReadOnlySpan<byte> html)
    {
        var text = Encoding.UTF8.GetString(html);
        return text.Contains("<video", StringComparison.OrdinalIgnoreCase)
            || text.Contains("og:video", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The media type sent upstream for a format.</summary>
    public static string MediaType(this ImageFormat format) => format switch
    {
        ImageFormat.Png => "image/png",
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Webp => "image/webp",
        ImageFormat.Bmp => "image/bmp",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}

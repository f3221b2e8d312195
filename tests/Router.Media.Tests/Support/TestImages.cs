using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace OaiRouter.Media.Tests.Support;

/// <summary>Test images made at test time: SkiaSharp for the common formats, by hand where Skia cannot write them.</summary>
public static class TestImages
{
    /// <summary>Left half red, right half blue: orientation is visible in the output.</summary>
    public static SKBitmap TwoColour(int width, int height, bool transparentRight = false)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Transparent);
        using var red = new SKPaint { Color = SKColors.Red };
        using var blue = new SKPaint { Color = transparentRight ? new SKColor(0, 0, 255, 0) : SKColors.Blue };
        canvas.DrawRect(new SKRect(0, 0, width / 2f, height), red);
        canvas.DrawRect(new SKRect(width / 2f, 0, width, height), blue);
        return bitmap;
    }

    public static byte[] Png(int width, int height) => Encode(TwoColour(width, height), SKEncodedImageFormat.Png, 100);

    public static byte[] PngWithAlpha(int width, int height) =>
        Encode(TwoColour(width, height, transparentRight: true), SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(int width, int height) => Encode(TwoColour(width, height), SKEncodedImageFormat.Jpeg, 90);

    public static byte[] Webp(int width, int height) => Encode(TwoColour(width, height), SKEncodedImageFormat.Webp, 90);

    /// <summary>A JPEG with an APP1 Exif segment holding only an Orientation tag, inserted right after SOI.</summary>
    public static byte[] JpegWithOrientation(int width, int height, ushort orientation)
    {
        var jpeg = Jpeg(width, height);
        // TIFF header (big-endian "MM"), IFD0 at offset 8 with one entry: 0x0112 Orientation, SHORT, count 1.
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        // next IFD offset 0 (already zero)
        var payload = new byte["Exif\0\0"u8.Length + tiff.Length];
        "Exif\0\0"u8.CopyTo(payload);
        tiff.CopyTo(payload, 6);
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A 24-bit BMP (Skia cannot encode BMP).</summary>
    public static byte[] Bmp(int width, int height)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var bytes = new byte[54 + (rowBytes * height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = 54 + (y * rowBytes) + (x * 3);
                // BGR: red on the left, blue on the right.
                (bytes[i], bytes[i + 1], bytes[i + 2]) = x < width / 2 ? ((byte)0, (byte)0, (byte)255) : ((byte)255, (byte)0, (byte)0);
            }
        }

        return bytes;
    }

    /// <summary>
    /// A GIF89a with two frames, the first all red and the second all blue (Skia cannot encode GIF). The LZW
    /// stream uses literal codes only, with a clear code every two, so the code width stays 3 bits.
    /// </summary>
    public static byte[] TwoFrameGif(int width, int height)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.WriteByte(0xF1); // global colour table, 8 bits colour resolution, 4 entries (2^(1+1))
        gif.WriteByte(0);
        gif.WriteByte(0);
        gif.Write([255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0]); // red, blue, white, black
        gif.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]); // loop forever
        foreach (var colour in new byte[] { 0, 1 })
        {
            gif.Write([0x21, 0xF9, 0x04, 0x04, 10, 0, 0, 0]); // graphic control: 100 ms, no transparency
            gif.WriteByte(0x2C);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, width);
            WriteUInt16(gif, height);
            gif.WriteByte(0);
            gif.WriteByte(2); // LZW minimum code size
            var data = LiteralLzw(colour, width * height);
            for (var offset = 0; offset < data.Length; offset += 255)
            {
                var length = Math.Min(255, data.Length - offset);
                gif.WriteByte((byte)length);
                gif.Write(data, offset, length);
            }

            gif.WriteByte(0);
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>PNG signature, then bytes that are no PNG.</summary>
    public static byte[] CorruptPng() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Garbage(2048)];

    public static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x42; // not a magic number of any image format
        bytes[1] = 0x00;
        return bytes;
    }

    /// <summary>A tiny valid-looking PNG whose header claims <paramref name="width"/>x<paramref name="height"/> (a decompression bomb's header).</summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        WriteChunk(png, "IHDR", ihdr);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(new byte[1024]); // a few rows' worth; the rest of the "image" is never there
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Bytes that start like an MP4 (an ftyp box), padded to <paramref name="length"/>.</summary>
    public static byte[] FakeMp4(int length)
    {
        var bytes = new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 24);
        "ftypisom"u8.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>The colour at (x, y) of an encoded image.</summary>
    public static SKColor PixelAt(byte[] encoded, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(encoded);
        return bitmap.GetPixel(x, y);
    }

    public static bool IsReddish(SKColor c) => c.Red > 200 && c.Green < 60 && c.Blue < 60;

    public static bool IsBluish(SKColor c) => c.Blue > 200 && c.Red < 60 && c.Green < 60;

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        using (var image = SKImage.FromBitmap(bitmap))
        using (var data = image.Encode(format, quality))
        {
            return data.ToArray();
        }
    }

    private static byte[] LiteralLzw(byte colour, int pixels)
    {
        const int clear = 4;
        const int end = 5;
        var codes = new List<int> { clear };
        for (var i = 0; i < pixels; i++)
        {
            if (i > 0 && i % 2 == 0)
            {
                codes.Add(clear);
            }

            codes.Add(colour);
        }

        codes.Add(end);
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                output.Add((byte)(buffer & 0xFF));
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            output.Add((byte)(buffer & 0xFF));
        }

        return [.. output];
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)(value & 0xFF));
        stream.WriteByte((byte)(value >> 8));
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. typeBytes, .. data]));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace BqxAudit.Tests.Support;

/// <summary>Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are) into pixels, for rendering tests.</summary>
public static class PngPixels
{
    public static (int Width, int Height, byte[] Rgba) Decode(byte[] png)
    {
        Assert.True(png.Length > 8 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
        int width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                colorType = data[9];
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        var channels = colorType switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {colorType}") };
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var previous = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            var line = bytes.AsSpan(y * (stride + 1) + 1, stride).ToArray();
            for (var x = 0; x < stride; x++)
            {
                var a = x >= channels ? line[x - channels] : 0;
                var b = previous[x];
                var c = x >= channels ? previous[x - channels] : 0;
                line[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                });
            }

            for (var x = 0; x < width; x++)
            {
                var o = (y * width + x) * 4;
                rgba[o] = line[x * channels];
                rgba[o + 1] = line[x * channels + 1];
                rgba[o + 2] = line[x * channels + 2];
                rgba[o + 3] = channels == 4 ? line[x * channels + 3] : (byte)255;
            }

            previous = line;
        }

        return (width, height, rgba);
    }

    /// <summary>How many pixels are within <paramref name="tolerance"/> of the colour on every channel.</summary>
    public static int Count(byte[] rgba, int r, int g, int b, int tolerance = 24)
    {
        var n = 0;
        for (var o = 0; o + 3 < rgba.Length; o += 4)
        {
            if (Math.Abs(rgba[o] - r) <= tolerance && Math.Abs(rgba[o + 1] - g) <= tolerance && Math.Abs(rgba[o + 2] - b) <= tolerance)
            {
                n++;
            }
        }

        return n;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

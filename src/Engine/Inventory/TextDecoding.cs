using System.Text;

namespace BqxAudit.Inventory;

/// <summary>How a file's bytes became text, and what was wrong with them.</summary>
public enum EncodingProblem
{
    None,
    InvalidUtf8,
    Utf16,
}

/// <summary>Byte-level facts of a file: binary or text, its encoding, its lines as <c>wc -l</c> counts them.</summary>
public static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>True when the first 8,000 bytes hold a NUL and there is no UTF-16 byte-order mark (git's own test).</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> bytes) =>
        Utf16Bom(bytes) is null && bytes[..Math.Min(bytes.Length, 8000)].IndexOf((byte)0) >= 0;

    /// <summary>Lines as <c>wc -l</c> counts them: the number of newline bytes.</summary>
    public static long CountNewlines(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        int i;
        while ((i = bytes.IndexOf((byte)'\n')) >= 0)
        {
            count++;
            bytes = bytes[(i + 1)..];
        }

        return count;
    }

    /// <summary>Decodes UTF-8 (BOM optional) or BOM-marked UTF-16; invalid UTF-8 is replaced with U+FFFD and reported.</summary>
    public static string Decode(byte[] bytes, out EncodingProblem problem)
    {
        if (Utf16Bom(bytes) is { } utf16)
        {
            problem = EncodingProblem.Utf16;
            return utf16.GetString(bytes, 2, bytes.Length - 2);
        }

        var offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            problem = EncodingProblem.None;
            return StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
        }
        catch (DecoderFallbackException)
        {
            problem = EncodingProblem.InvalidUtf8;
            return LenientUtf8.GetString(bytes, offset, bytes.Length - offset);
        }
    }

    /// <summary>The 1-based line of the first invalid UTF-8 sequence, or 0.</summary>
    public static int FirstInvalidUtf8Line(ReadOnlySpan<byte> bytes)
    {
        var line = 1;
        var i = 0;
        while (i < bytes.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes[i..Math.Min(bytes.Length, i + 4096)], new char[8192], out var read, out _, replaceInvalidSequences: false, isFinalBlock: i + 4096 >= bytes.Length);
            var chunk = bytes.Slice(i, read);
            line += chunk.Count((byte)'\n');
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                return line;
            }

            if (read == 0)
            {
                break;
            }

            i += read;
        }

        return 0;
    }

    /// <summary>Where the first invalid UTF-8 sequence is (1-based line and column in characters), and its first byte; null when valid.</summary>
    public static (int Line, int Column, byte Byte)? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var line = 1;
        var column = 1;
        var i = offset;
        while (i < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return (line, column, bytes[i]);
            }

            if (rune.Value == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column += rune.Utf16SequenceLength;
            }

            i += consumed;
        }

        return null;
    }

    private static Encoding? Utf16Bom(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Encoding.Unicode;
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode;
        }

        return null;
    }
}

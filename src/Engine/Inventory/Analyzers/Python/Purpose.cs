using System.Text.RegularExpressions;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>A script's purpose: the first sentence of its module docstring, else of its header comment.</summary>
internal static partial class Purpose
{
    private const int MaxLength = 240;

    // Arrays made once: a character list written in the call is a new array each time (once per docstring line).
    private static readonly char[] Rulers = { '#', '*', '=', '-', '~' };
    private static readonly char[] SentenceTail = { '.', ':' };

    public static string? FromDocstring(string docstring) => FirstSentence(docstring.Split('\n'));

    /// <summary>The header comment's first sentence, skipping the shebang, coding and editor lines, rulers, and file-name lines.</summary>
    public static string? FromHeader(IEnumerable<HeaderComment> header)
    {
        var lines = new List<string>();
        var previous = -1;
        foreach (var comment in header)
        {
            var body = comment.Text.TrimStart('#');
            if (comment.Text.StartsWith("#!", StringComparison.Ordinal) || CodingLine().IsMatch(comment.Text))
            {
                previous = comment.Line;
                continue;
            }

            if (previous >= 0 && comment.Line > previous + 1 && lines.Any(l => l.Length > 0 && !Skippable(l)))
            {
                break; // a blank line ends the header block
            }

            lines.Add(body);
            previous = comment.Line;
        }

        return FirstSentence(lines);
    }

    private static string? FirstSentence(IEnumerable<string> lines)
    {
        var paragraph = new List<string>();
        var length = 0;
        foreach (var raw in lines)
        {
            var line = raw.Trim().Trim(Rulers).Trim();
            var empty = line.Length == 0 || Skippable(line);
            if (paragraph.Count == 0 && empty)
            {
                continue;
            }

            if (empty)
            {
                break; // a blank line, a ruler or an "Author:" line ends the first paragraph
            }

            paragraph.Add(Label().Replace(line, ""));
            length += line.Length;
            if (length > 4 * MaxLength)
            {
                break;
            }
        }

        if (paragraph.Count == 0)
        {
            return null;
        }

        var text = string.Join(' ', paragraph);
        var end = SentenceEnd(text);
        if (end >= 0)
        {
            text = text[..end];
        }

        text = text.Trim().TrimEnd(SentenceTail).Trim();
        if (text.Length > MaxLength)
        {
            text = text[..(MaxLength - 1)].TrimEnd() + "…";
        }

        return text.Length == 0 ? null : text;
    }

    /// <summary>Lines that say nothing about purpose: rulers, file names, authorship and licence lines, editor modelines.</summary>
    private static bool Skippable(string line)
    {
        var t = line.Trim().Trim('#').Trim();
        if (!t.Any(char.IsLetterOrDigit))
        {
            return true;
        }

        return FileNameLine().IsMatch(t) || MetaLine().IsMatch(t) || CodingLine().IsMatch(t);
    }

    [GeneratedRegex(@"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")]
    private static partial Regex CodingLine();

    [GeneratedRegex(@"^[\w./-]+\.(py|pyw)$", RegexOptions.IgnoreCase)]
    private static partial Regex FileNameLine();

    [GeneratedRegex(@"^((author|authors|copyright|spdx-license-identifier|license|licence|date|created|modified|updated|version|maintainer|email)\b|\(c\)|©|vim?:|-\*-)", RegexOptions.IgnoreCase)]
    private static partial Regex MetaLine();

    [GeneratedRegex(@"^(purpose|description|summary|overview)\s*:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Label();

    /// <summary>The index of the first sentence's final stop (followed by a space or the end), not an abbreviation's.</summary>
    private static int SentenceEnd(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?') || (i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1])))
            {
                continue;
            }

            var wordStart = i;
            while (wordStart > 0 && !char.IsWhiteSpace(text[wordStart - 1]))
            {
                wordStart--;
            }

            var word = text[wordStart..i].ToLowerInvariant();
            if (word is "e.g" or "i.e" or "etc" or "vs" or "approx" or "incl" or "no" or "cf" or "dr" or "mr" or "ms" || word.Length == 1)
            {
                continue;
            }

            return i;
        }

        return -1;
    }
}

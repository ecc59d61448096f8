using System.Text;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>Splits a command-line string template into commands and words, roughly as a POSIX shell would.</summary>
internal static class ShellWords
{
    /// <summary>
    /// Commands (split at <c>;</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>|</c>, <c>&amp;</c> and newlines) of words
    /// (quotes removed, backslash escapes applied). Placeholders stay placeholders of the same template.
    /// </summary>
    public static List<List<StrTemplate>> Split(StrTemplate template)
    {
        var s = template.Masked;
        var commands = new List<List<StrTemplate>>();
        var words = new List<StrTemplate>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';

        void FlushWord()
        {
            if (inWord)
            {
                words.Add(template.With(word.ToString()));
                word.Clear();
                inWord = false;
            }
        }

        void FlushCommand()
        {
            FlushWord();
            if (words.Count > 0)
            {
                commands.Add(words);
                words = new List<StrTemplate>();
            }
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else if (c == '\\' && i + 1 < s.Length && s[i + 1] is '"' or '\\' or '$' or '`')
                {
                    word.Append(s[++i]);
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '\n':
                case ';':
                    FlushCommand();
                    continue;
                case ' ' or '\t' or '\r':
                    FlushWord();
                    continue;
                case '\'' or '"':
                    quote = c;
                    inWord = true;
                    continue;
                case '\\':
                    if (i + 1 < s.Length)
                    {
                        if (s[i + 1] != '\n')
                        {
                            word.Append(s[i + 1]);
                            inWord = true;
                        }

                        i++;
                    }

                    continue;
                case '|':
                    FlushCommand();
                    if (i + 1 < s.Length && s[i + 1] == '|')
                    {
                        i++;
                    }

                    continue;
                case '&':
                    var redirect = (i > 0 && s[i - 1] is '>' or '<') || (i + 1 < s.Length && s[i + 1] == '>');
                    if (!redirect)
                    {
                        FlushCommand();
                        if (i + 1 < s.Length && s[i + 1] == '&')
                        {
                            i++;
                        }

                        continue;
                    }

                    break;
                case '#' when !inWord:
                    var eol = s.IndexOf('\n', i);
                    i = eol < 0 ? s.Length : eol - 1;
                    continue;
            }

            word.Append(c);
            inWord = true;
        }

        FlushCommand();
        return commands;
    }

    /// <summary>True for a redirection word (<c>&gt;</c>, <c>2&gt;&amp;1</c>, <c>&gt;&gt;log</c>, <c>&lt;in</c>).</summary>
    public static bool IsRedirect(string word, out bool takesNext)
    {
        var i = 0;
        while (i < word.Length && char.IsAsciiDigit(word[i]))
        {
            i++;
        }

        if (i < word.Length && word[i] == '&' && i + 1 < word.Length && word[i + 1] == '>')
        {
            i++;
        }

        if (i >= word.Length || word[i] is not ('>' or '<'))
        {
            takesNext = false;
            return false;
        }

        var rest = word[i..].TrimStart('>', '<', '&');
        takesNext = rest.Length == 0;
        return true;
    }
}

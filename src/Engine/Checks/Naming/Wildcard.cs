namespace BqxAudit.Checks.Naming;

/// <summary>A name pattern with '*' (any run of characters) and '?' (one character), compared ignoring ASCII case.</summary>
internal sealed class Wildcard
{
    private readonly string pattern;

    public Wildcard(string pattern) => this.pattern = pattern.Trim();

    public string Pattern => pattern;

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        var p = pattern.AsSpan();
        int t = 0, i = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (i < p.Length && (p[i] == '?' || (p[i] != '*' && TokenTable.Fold(p[i]) == TokenTable.Fold(text[t]))))
            {
                i++;
                t++;
            }
            else if (i < p.Length && p[i] == '*')
            {
                star = i++;
                mark = t;
            }
            else if (star >= 0)
            {
                i = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (i < p.Length && p[i] == '*')
        {
            i++;
        }

        return i == p.Length;
    }
}

namespace BqxAudit.Checks.Naming;

/// <summary>
/// The words a mandate knows (literals and component values), each with a small integer id, looked up
/// from a span without allocating and ignoring ASCII case. Open addressing over a power-of-two table.
/// </summary>
internal sealed class TokenTable
{
    private readonly string[] words;
    private readonly int[] slots; // slot → word id + 1; 0 = empty
    private readonly int mask;

    public TokenTable(IEnumerable<string> lowerCaseWords)
    {
        words = lowerCaseWords.Distinct(StringComparer.Ordinal).ToArray();
        var capacity = 16;
        while (capacity < words.Length * 4)
        {
            capacity <<= 1;
        }

        slots = new int[capacity];
        mask = capacity - 1;
        for (var id = 0; id < words.Length; id++)
        {
            var slot = Hash(words[id]) & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = id + 1;
        }
    }

    public int Count => words.Length;

    public string this[int id] => words[id];

    /// <summary>The id of the word (compared ignoring ASCII case), or -1.</summary>
    public int Find(ReadOnlySpan<char> word)
    {
        var slot = Hash(word) & mask;
        while (true)
        {
            var entry = slots[slot];
            if (entry == 0)
            {
                return -1;
            }

            if (EqualsFolded(word, words[entry - 1]))
            {
                return entry - 1;
            }

            slot = (slot + 1) & mask;
        }
    }

    private static int Hash(ReadOnlySpan<char> word)
    {
        var h = 2166136261u;
        foreach (var c in word)
        {
            h = (h ^ Fold(c)) * 16777619u;
        }

        return (int)(h ^ (h >> 15));
    }

    private static bool EqualsFolded(ReadOnlySpan<char> word, string lower)
    {
        if (word.Length != lower.Length)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (Fold(word[i]) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>ASCII lower case; other characters unchanged.</summary>
    public static char Fold(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;

    /// <summary>Ordinal comparison of two words ignoring ASCII case.</summary>
    public static int CompareFolded(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var d = Fold(a[i]) - Fold(b[i]);
            if (d != 0)
            {
                return d;
            }
        }

        return a.Length - b.Length;
    }
}

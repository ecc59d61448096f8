using System.Text;

namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>One placeholder of a string template: an f-string field, a <c>.format</c>/<c>%</c> slot, or a concatenated operand.</summary>
internal sealed class TemplateField
{
    public TemplateField(string asWritten, string key, string? binding, bool formatted)
    {
        AsWritten = asWritten;
        Key = key;
        Binding = binding;
        Formatted = formatted;
        SimpleName = binding is not null && IsDottedName(binding) ? binding : null;
    }

    /// <summary>The field as written in the source: <c>{ft}</c>, <c>{i:03d}</c>, <c>{}</c>, <c>{0}</c>.</summary>
    public string AsWritten { get; }

    /// <summary>The key of <c>NameTemplate.Values</c>: the expression for f-strings, the index or keyword for <c>.format</c>.</summary>
    public string Key { get; }

    /// <summary>The expression that supplies the value (the f-string expression, or the <c>.format</c> argument), when known.</summary>
    public string? Binding { get; }

    /// <summary>A <c>.format</c>/<c>%</c> slot, always rendered as written (<c>{}</c>, <c>{0}</c>, <c>{name}</c>).</summary>
    public bool Formatted { get; }

    /// <summary>The binding when it is a plain (dotted) name, such as <c>ft</c> or <c>args.dataset</c>.</summary>
    public string? SimpleName { get; }

    /// <summary>How a table name shows this field: as written for <c>.format</c> slots, <c>{name}</c> for a simple name, <c>{}</c> otherwise.</summary>
    public string Simple => Formatted ? AsWritten : SimpleName is not null ? "{" + SimpleName + "}" : "{}";

    public static bool IsIdentifier(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !PythonTokenizer.IsIdentifierStart(s[0]))
        {
            return false;
        }

        foreach (var c in s[1..])
        {
            if (!PythonTokenizer.IsIdentifierPart(c))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsDottedName(string s)
    {
        foreach (var part in s.Split('.'))
        {
            if (!IsIdentifier(part))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// A string value as far as static reading can know it: literal text with placeholders. The text is
/// kept "masked": each placeholder is one private-use character (U+E000 + field index), so slicing,
/// word splitting and SQL scanning treat a placeholder as one identifier character and can still
/// render it as written.
/// </summary>
internal sealed class StrTemplate
{
    public const char MaskBase = '\uE000';
    public const int MaxFields = 6400;

    public StrTemplate(string masked, TemplateField[] fields)
    {
        Masked = masked;
        Fields = fields;
    }

    public string Masked { get; }

    /// <summary>The placeholders; shared by slices of the same template.</summary>
    public TemplateField[] Fields { get; }

    public bool HasFields
    {
        get
        {
            foreach (var c in Masked)
            {
                if (IsMask(c))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public static bool IsMask(char c) => c >= MaskBase && c < MaskBase + MaxFields;

    public TemplateField FieldOf(char mask) => Fields[mask - MaskBase];

    public StrTemplate With(string masked) => new(masked, Fields);

    /// <summary>Placeholders as written: <c>cov_{ft}_{pair}</c>, <c>cov_{}_{}</c>.</summary>
    public string AsWritten() => Render(Masked, f => f.AsWritten);

    /// <summary>Simple names kept (<c>{name}</c>), other expressions as <c>{}</c>: the form table names are listed in.</summary>
    public string Simple() => Render(Masked, f => f.Simple);

    public string Render(string masked, Func<TemplateField, string> field)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < masked.Length; i++)
        {
            var c = masked[i];
            if (IsMask(c))
            {
                sb ??= new StringBuilder(masked, 0, i, masked.Length + 16);
                sb.Append(field(FieldOf(c)));
            }
            else
            {
                sb?.Append(c);
            }
        }

        return sb?.ToString() ?? masked;
    }

    /// <summary>The fields that occur in <paramref name="masked"/>, in order, without repeats.</summary>
    public IEnumerable<TemplateField> FieldsIn(string masked)
    {
        var seen = new HashSet<int>();
        foreach (var c in masked)
        {
            if (IsMask(c) && seen.Add(c - MaskBase))
            {
                yield return FieldOf(c);
            }
        }
    }

    public override string ToString() => AsWritten();
}

/// <summary>Builds a <see cref="StrTemplate"/> from literal pieces and fields.</summary>
internal sealed class StrTemplateBuilder
{
    private readonly StringBuilder masked = new();
    private readonly List<TemplateField> fields = new();

    public int Length => masked.Length;

    public void Append(char c) => masked.Append(StrTemplate.IsMask(c) ? '\uFFFD' : c);

    public void Append(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            Append(c);
        }
    }

    public void AppendField(TemplateField field)
    {
        if (fields.Count >= StrTemplate.MaxFields)
        {
            masked.Append(field.AsWritten);
            return;
        }

        fields.Add(field);
        masked.Append((char)(StrTemplate.MaskBase + fields.Count - 1));
    }

    /// <summary>Appends another template's text, re-numbering its fields into this one.</summary>
    public void AppendTemplate(StrTemplate t)
    {
        foreach (var c in t.Masked)
        {
            if (StrTemplate.IsMask(c))
            {
                AppendField(t.FieldOf(c));
            }
            else
            {
                masked.Append(c);
            }
        }
    }

    public StrTemplate Build() => new(masked.ToString(), fields.ToArray());
}

using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BqxAudit.Configuration;

/// <summary>A problem in a profile file, at a line and column (1-based).</summary>
public sealed record ProfileIssue(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>
/// Maps a YAML node tree onto the profile classes, collecting every problem (unknown key,
/// wrong type, bad glob, missing required key) with its position instead of stopping at the first.
/// </summary>
internal sealed class ProfileBinder
{
    private readonly string file;
    private readonly List<ProfileIssue> issues = new();

    public ProfileBinder(string file) => this.file = file;

    public IReadOnlyList<ProfileIssue> Issues => issues;

    public T? Bind<T>(YamlNode node) where T : class => (T?)BindValue(node, typeof(T), "", null);

    private object? BindValue(YamlNode node, Type type, string path, ProfileKeyAttribute? key)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (IsNull(node))
            {
                return null;
            }

            type = underlying;
        }

        if (type == typeof(string))
        {
            var s = Scalar(node, path, "a string");
            if (s is not null)
            {
                CheckString(s, node, path, key);
            }

            return s;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(bool))
        {
            return BindNumber(node, type, path);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return BindList(node, type, path, key);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return BindDictionary(node, type, path, key);
        }

        return BindObject(node, type, path);
    }

    private object? BindNumber(YamlNode node, Type type, string path)
    {
        var what = type == typeof(bool) ? "true or false" : type == typeof(double) ? "a number" : "a whole number";
        var s = Scalar(node, path, what);
        if (s is null)
        {
            return null;
        }

        if (type == typeof(bool))
        {
            if (s is "true" or "True" or "TRUE")
            {
                return true;
            }

            if (s is "false" or "False" or "FALSE")
            {
                return false;
            }
        }
        else if (type == typeof(int) && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            return i;
        }
        else if (type == typeof(long) && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        else if (type == typeof(double) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        Add(node, $"{Describe(path)} must be {what}, not '{Truncate(s)}'");
        return null;
    }

    private object? BindList(YamlNode node, Type type, string path, ProfileKeyAttribute? key)
    {
        var list = (IList)Activator.CreateInstance(type)!;
        if (IsNull(node))
        {
            return list;
        }

        if (node is not YamlSequenceNode seq)
        {
            Add(node, $"{Describe(path)} must be a list");
            return list;
        }

        var itemType = type.GetGenericArguments()[0];
        var i = 0;
        foreach (var child in seq.Children)
        {
            var value = BindValue(child, itemType, $"{path}[{i++}]", key);
            if (value is not null)
            {
                list.Add(value);
            }
        }

        return list;
    }

    private object? BindDictionary(YamlNode node, Type type, string path, ProfileKeyAttribute? key)
    {
        var dict = (IDictionary)Activator.CreateInstance(type)!;
        if (IsNull(node))
        {
            return dict;
        }

        if (node is not YamlMappingNode map)
        {
            Add(node, $"{Describe(path)} must be a mapping");
            return dict;
        }

        var valueType = type.GetGenericArguments()[1];
        foreach (var (k, v) in map.Children)
        {
            var name = Scalar(k, path, "a key");
            if (name is null)
            {
                continue;
            }

            var value = BindValue(v, valueType, $"{path}.{name}", key);
            if (value is not null)
            {
                dict[name] = value;
            }
        }

        return dict;
    }

    private object? BindObject(YamlNode node, Type type, string path)
    {
        var instance = Activator.CreateInstance(type)!;
        if (node is YamlScalarNode scalar && instance is IProfileScalar sv)
        {
            if (!sv.TrySetScalar(scalar.Value ?? ""))
            {
                Add(node, $"{Describe(path)} must be a number or a mapping, not '{Truncate(scalar.Value ?? "")}'");
            }

            return instance;
        }

        if (node is not YamlMappingNode map)
        {
            Add(node, $"{Describe(path)} must be a mapping");
            return null;
        }

        var properties = KeysOf(type);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var name = Scalar(k, path, "a key");
            if (name is null)
            {
                continue;
            }

            if (!seen.Add(name))
            {
                Add(k, $"duplicate key '{Join(path, name)}'");
                continue;
            }

            if (!properties.TryGetValue(name, out var property))
            {
                var known = string.Join(", ", properties.Keys.OrderBy(x => x, StringComparer.Ordinal));
                Add(k, $"unknown key '{Join(path, name)}' (known here: {known})");
                continue;
            }

            var value = BindValue(v, property.PropertyType, Join(path, name), property.GetCustomAttribute<ProfileKeyAttribute>());
            if (value is not null)
            {
                property.SetValue(instance, value);
            }
        }

        foreach (var (name, property) in properties)
        {
            if (property.GetCustomAttribute<ProfileKeyAttribute>()?.Required == true && !seen.Contains(name))
            {
                Add(node, $"missing required key '{Join(path, name)}'");
            }
        }

        return instance;
    }

    private void CheckString(string value, YamlNode node, string path, ProfileKeyAttribute? key)
    {
        if (key is null)
        {
            return;
        }

        if (key.Glob && GlobRules.Validate(value) is { } problem)
        {
            Add(node, $"bad glob '{Truncate(value)}' in {Describe(path)}: {problem}");
        }

        if (key.Pattern is { } pattern && !Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant))
        {
            Add(node, $"{Describe(path)} must match {pattern}, not '{Truncate(value)}'");
        }
    }

    private string? Scalar(YamlNode node, string path, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        Add(node, $"{Describe(path)} must be {what}, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
        return null;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && (s.Value is null or "" or "~" or "null");

    private void Add(YamlNode node, string message) =>
        issues.Add(new ProfileIssue(file, (int)node.Start.Line, (int)node.Start.Column, message));

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Describe(string path) => path.Length == 0 ? "the profile" : $"'{path}'";

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>The YAML keys of a profile class: camelCase property names, without ignored properties.</summary>
    internal static Dictionary<string, PropertyInfo> KeysOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<ProfileIgnoreAttribute>() is null)
            .ToDictionary(p => CamelCase(p.Name), StringComparer.Ordinal);

    internal static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>The glob dialect of Microsoft.Extensions.FileSystemGlobbing, and what it cannot express.</summary>
public static class GlobRules
{
    /// <summary>Returns why <paramref name="glob"/> is unusable, or null when it is fine.</summary>
    public static string? Validate(string glob)
    {
        if (string.IsNullOrWhiteSpace(glob))
        {
            return "empty";
        }

        if (glob.StartsWith('!'))
        {
            return "'!' negation is not supported; put the pattern in an exclude list";
        }

        if (glob.StartsWith('/') || glob.StartsWith('\\') || (glob.Length > 1 && glob[1] == ':'))
        {
            return "globs are relative to the audited root; remove the leading '/' or drive";
        }

        if (glob.Contains('\\'))
        {
            return "use '/' as the separator";
        }

        foreach (var c in "[]{}?")
        {
            if (glob.Contains(c))
            {
                return $"'{c}' is not supported (only '*' and '**')";
            }
        }

        var segments = glob.Split('/');
        foreach (var segment in segments)
        {
            if (segment == "..")
            {
                return "'..' would leave the audited root";
            }

            if (segment.Contains("**") && segment != "**")
            {
                return "'**' must be a whole path segment";
            }
        }

        if (glob.Contains("//"))
        {
            return "empty path segment";
        }

        return null;
    }
}

using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Runner.Configuration;

/// <summary>
/// A YAML node with its dotted key and its position, reading typed values and raising
/// <see cref="ConfigException"/> that names the file, line, column and key.
/// </summary>
internal sealed class ConfigNode
{
    private readonly YamlNode _node;

    private readonly ConfigSource _source;

    public ConfigNode(YamlNode node, string key, ConfigSource source)
    {
        _node = node;
        Key = key;
        _source = source;
    }

    public string Key { get; }

    public string Source => _source.FilePath;

    public int Line => (int)_node.Start.Line;

    public int Column => (int)_node.Start.Column;

    /// <summary>A value set through an environment variable names that variable instead of the file.</summary>
    private string Origin => _source.Overrides.TryGetValue(_node, out var variable) ? $"environment variable {variable}" : Source;

    public ConfigException Error(string problem) =>
        Origin == Source ? new ConfigException(Source, Line, Column, Key, problem) : new ConfigException(Origin, 0, 0, Key, problem);

    /// <summary>A plain value rather than a map or a list.</summary>
    public bool IsScalar => _node is YamlScalarNode;

    public bool IsNull => _node is YamlScalarNode { Value: null or "" or "~" or "null" } scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;

    public string String()
    {
        if (_node is not YamlScalarNode scalar)
        {
            throw Error($"expected a text value, found {Describe()}");
        }

        return scalar.Value ?? "";
    }

    public int Int(int min, int max)
    {
        var text = String();
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"expected a whole number, found '{text}'");
        }

        if (value < min || value > max)
        {
            throw Error($"must be between {min} and {max}, found {value}");
        }

        return value;
    }

    public double Double(double min, double max)
    {
        var text = String();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            throw Error($"expected a number, found '{text}'");
        }

        if (value < min || value > max)
        {
            throw Error($"must be between {min} and {max}, found {text}");
        }

        return value;
    }

    public bool Bool()
    {
        var text = String();
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error($"expected true or false, found '{text}'"),
        };
    }

    /// <summary>A duration as hh:mm:ss, d.hh:mm:ss, or a number with a unit (90s, 5m, 2h, 7d).</summary>
    public TimeSpan Duration(TimeSpan min, TimeSpan max)
    {
        var text = String().Trim();
        if (!DurationParser.TryParse(text, out var value))
        {
            throw Error($"expected a duration such as \"00:05:00\", \"90s\", \"5m\", \"2h\" or \"7d\", found '{text}'");
        }

        if (value < min || value > max)
        {
            throw Error($"must be between {min} and {max}, found {value}");
        }

        return value;
    }

    /// <summary>A file or folder path, resolved against <paramref name="baseDirectory"/> (runner.yaml's folder).</summary>
    public string FilePath(string baseDirectory)
    {
        var text = String();
        return PathSyntax.TryResolve(text, baseDirectory, out var full)
            ? full
            : throw Error($"expected a file or folder path, found '{PathSyntax.Printable(text)}'");
    }

    /// <summary>A path kept as written (resolved later against runner.yaml's folder), checked to be one.</summary>
    public string PathText()
    {
        _ = FilePath(Path.GetTempPath());
        return String();
    }

    public Uri AbsoluteUri()
    {
        var text = String();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Error($"expected an absolute https:// URL, found '{text}'");
        }

        return uri;
    }

    public T Enum<T>(params (string Name, T Value)[] choices)
    {
        var text = String();
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw Error($"expected one of {string.Join(", ", choices.Select(c => c.Name))}, found '{text}'");
    }

    public IReadOnlyList<ConfigNode> Sequence()
    {
        return _node switch
        {
            YamlSequenceNode seq => seq.Children.Select((child, i) => new ConfigNode(child, $"{Key}[{i}]", _source)).ToList(),
            // A single value where a list is expected is taken as a list of one.
            YamlScalarNode when !IsNull => [this],
            YamlScalarNode => [],
            _ => throw Error($"expected a list, found {Describe()}"),
        };
    }

    public IReadOnlyList<string> Strings() => Sequence().Select(n => n.String()).ToList();

    /// <summary>The entries of a mapping. Keys outside <paramref name="known"/> are an error naming the nearest one.</summary>
    public ConfigMap Map(params string[] known)
    {
        if (IsNull)
        {
            return new ConfigMap(this, new Dictionary<string, ConfigNode>(), new Dictionary<string, ConfigNode>());
        }

        if (_node is not YamlMappingNode mapping)
        {
            throw Error($"expected a mapping of keys to values, found {Describe()}");
        }

        var entries = new Dictionary<string, ConfigNode>(StringComparer.OrdinalIgnoreCase);
        var keys = new Dictionary<string, ConfigNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            var child = new ConfigNode(valueNode, Key.Length == 0 ? name : $"{Key}.{name}", _source);
            var keyPosition = new ConfigNode(keyNode, child.Key, _source);
            if (known.Length > 0 && !known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                var nearest = Suggest.Nearest(name, known);
                throw keyPosition.Error(nearest is null
                    ? $"unknown key; expected one of {string.Join(", ", known)}"
                    : $"unknown key; did you mean '{nearest}'?");
            }

            if (!entries.TryAdd(name, child))
            {
                throw keyPosition.Error("this key appears twice");
            }

            keys[name] = keyPosition;
        }

        return new ConfigMap(this, entries, keys);
    }

    private string Describe() => _node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };
}

/// <summary>The entries of one YAML mapping, read by key.</summary>
internal sealed class ConfigMap(ConfigNode owner, IReadOnlyDictionary<string, ConfigNode> entries, IReadOnlyDictionary<string, ConfigNode> keys)
{
    public ConfigNode Owner => owner;

    public IEnumerable<KeyValuePair<string, ConfigNode>> Entries => entries;

    public ConfigNode? this[string key] => entries.TryGetValue(key, out var node) && !node.IsNull ? node : null;

    /// <summary>Where the key itself is written, for errors about the key rather than its value.</summary>
    public ConfigNode KeyOf(string key) => keys.TryGetValue(key, out var node) ? node : owner;

    public ConfigNode Required(string key) =>
        this[key] ?? throw owner.Error($"'{key}' is required here");
}

/// <summary>The file being read, and which nodes environment variables supplied.</summary>
internal sealed class ConfigSource(string filePath)
{
    public string FilePath { get; } = filePath;

    public Dictionary<YamlNode, string> Overrides { get; } = new(ReferenceEqualityComparer.Instance);
}

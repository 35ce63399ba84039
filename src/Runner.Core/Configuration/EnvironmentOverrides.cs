using System.Collections;
using YamlDotNet.RepresentationModel;

namespace Runner.Configuration;

/// <summary>
/// Applies RUNNER__SECTION__KEY=value environment variables over runner.yaml, so every value can be overridden
/// (for example RUNNER__DEFAULTS__PARALLEL=32 or RUNNER__CLOUD=public).
/// </summary>
internal static class EnvironmentOverrides
{
    public const string Prefix = "RUNNER__";

    public static void Apply(YamlMappingNode root, IDictionary environment, ConfigSource source)
    {
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || entry.Value is not string value)
            {
                continue;
            }

            var path = name[Prefix.Length..].Split("__", StringSplitOptions.RemoveEmptyEntries);
            if (path.Length == 0)
            {
                continue;
            }

            var mapping = root;
            for (var i = 0; i < path.Length - 1; i++)
            {
                var existing = Find(mapping, path[i]);
                if (existing.Value is YamlMappingNode child)
                {
                    mapping = child;
                    continue;
                }

                var created = new YamlMappingNode();
                source.Overrides[created] = name;
                Set(mapping, existing.Key ?? NewKey(path[i], name, source), created);
                mapping = created;
            }

            var scalar = new YamlScalarNode(value);
            source.Overrides[scalar] = name;
            var leaf = Find(mapping, path[^1]);
            Set(mapping, leaf.Key ?? NewKey(path[^1], name, source), scalar);
        }
    }

    private static (YamlNode? Key, YamlNode? Value) Find(YamlMappingNode mapping, string name)
    {
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode scalar && string.Equals(scalar.Value, name, StringComparison.OrdinalIgnoreCase))
            {
                return (key, value);
            }
        }

        return (null, null);
    }

    /// <summary>A key the variable adds: an error about it (an unknown key) names the variable, not a place in the file.</summary>
    private static YamlScalarNode NewKey(string segment, string variable, ConfigSource source)
    {
        var key = new YamlScalarNode(ToKey(segment));
        source.Overrides[key] = variable;
        return key;
    }

    private static void Set(YamlMappingNode mapping, YamlNode key, YamlNode value) => mapping.Children[key] = value;

    /// <summary>Environment variables are often upper case; runner.yaml keys are camelCase, matched without case.</summary>
    private static string ToKey(string segment) => segment.ToLowerInvariant();
}

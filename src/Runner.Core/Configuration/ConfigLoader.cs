using System.Collections;
using YamlDotNet.RepresentationModel;

namespace Runner.Configuration;

/// <summary>Reads runner.yaml into <see cref="RunnerConfig"/>. Any problem is a <see cref="ConfigException"/>
/// naming file, line, column and key; nothing is half-loaded.</summary>
internal static class ConfigLoader
{
    public const string FileName = "runner.yaml";

    private static readonly string[] TopLevel =
        ["cloud", "endpoints", "partner", "secrets", "state", "tenants", "defaults", "limits", "auth", "jobs", "scheduler", "sandbox", "web", "notify", "telemetry"];

    /// <summary>Finds runner.yaml: an explicit path, else RUNNER_CONFIG, else the current folder and its parents.</summary>
    public static string? Locate(string? explicitPath, string currentDirectory, IDictionary environment)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Resolve(explicitPath, currentDirectory, "--config");
        }

        if (environment["RUNNER_CONFIG"] is string fromEnv && fromEnv.Length > 0)
        {
            return Resolve(fromEnv, currentDirectory, "RUNNER_CONFIG");
        }

        for (var dir = new DirectoryInfo(currentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Resolve(string path, string currentDirectory, string origin) =>
        PathSyntax.TryResolve(path, currentDirectory, out var full)
            ? full
            : throw new ConfigException(origin, 0, 0, "", $"'{PathSyntax.Printable(path)}' is not a valid path to runner.yaml");

    public static RunnerConfig Load(string path, IDictionary environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, "", $"cannot read the file: {e.Message}");
        }

        return Parse(text, path, environment);
    }

    public static RunnerConfig Parse(string text, string path, IDictionary environment)
    {
        var source = new ConfigSource(path);
        var stream = YamlReader.Read(text, path);
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw new ConfigException(path, (int)second.Start.Line, (int)second.Start.Column, "", "runner.yaml must hold one YAML document, found several");
        }

        YamlMappingNode root;
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            root = new YamlMappingNode();
        }
        else if (stream.Documents[0].RootNode is YamlMappingNode mapping)
        {
            root = mapping;
        }
        else
        {
            var node = stream.Documents[0].RootNode;
            throw new ConfigException(path, (int)node.Start.Line, (int)node.Start.Column, "", "the top level must be a mapping of keys such as cloud:, partner: and jobs:");
        }

        EnvironmentOverrides.Apply(root, environment, source);
        var map = new ConfigNode(root, "", source).Map(TopLevel);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var cloud = ConfigSections.Cloud(map);
        if (cloud.Kind != CloudKind.Sandbox && map["partner"] is null)
        {
            throw (map["cloud"] ?? map.Owner).Error(
                $"cloud: {map["cloud"]?.String().ToLowerInvariant()} needs a partner: section with tenant, clientId and clientSecret (or certificate); only the sandbox brings its own");
        }

        var defaults = ConfigSections.Defaults(map["defaults"]);
        var notify = NotifySection.Read(map["notify"], baseDirectory);
        return new RunnerConfig
        {
            FilePath = Path.GetFullPath(path),
            BaseDirectory = baseDirectory,
            Cloud = cloud,
            Partner = ConfigSections.Partner(map["partner"], cloud.Kind),
            Secrets = ConfigSections.Secrets(map["secrets"]),
            StateDirectory = map["state"]?.FilePath(baseDirectory) ?? Path.Combine(baseDirectory, ".runner"),
            Tenants = ConfigSections.Tenants(map["tenants"]),
            Defaults = defaults,
            Limits = ConfigSections.Limits(map["limits"]),
            Auth = ConfigSections.Auth(map["auth"]),
            Jobs = ConfigSections.Jobs(map["jobs"], baseDirectory, notify.Channels.Keys.ToHashSet(StringComparer.Ordinal)),
            Scheduler = ConfigSections.Scheduler(map["scheduler"]),
            Sandbox = ConfigSections.Sandbox(map["sandbox"]),
            Web = WebSection.Read(map["web"]),
            Notify = notify,
            Telemetry = TelemetrySettings.Read(map["telemetry"]),
        };
    }
}

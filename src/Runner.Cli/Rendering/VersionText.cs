using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Runner.Cli.Composition;

namespace Runner.Cli.Rendering;

/// <summary>`runner --version`: the version (set once, in Directory.Build.props) and the commit it was built from.</summary>
internal sealed class VersionText(CliConsole console) : SynchronousCommandLineAction
{
    /// <summary>"runner 0.1.0 (commit 1559a9c)"; the build adds the commit to the informational version ("0.1.0+sha").</summary>
    public static string Describe()
    {
        var informational = typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return $"runner {informational}";
        }

        var commit = informational[(plus + 1)..];
        return $"runner {informational[..plus]} (commit {(commit.Length > 7 ? commit[..7] : commit)})";
    }

    public override int Invoke(ParseResult parseResult)
    {
        console.Output.WriteLine(Describe());
        return 0;
    }
}

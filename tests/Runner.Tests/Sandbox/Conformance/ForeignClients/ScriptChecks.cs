using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>
/// The result of one conformance script: the scripts print "ok &lt;check&gt;" or "FAIL &lt;check&gt;: &lt;why&gt;" per check,
/// so each check is asserted by its own test while the script (and its client library's start-up) runs once.
/// </summary>
public sealed class ScriptChecks
{
    private readonly Dictionary<string, string?> _results = new(StringComparer.Ordinal);

    public ScriptChecks(string script, CliResult run)
    {
        Script = script;
        Run = run;
        foreach (var line in run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("ok ", StringComparison.Ordinal))
            {
                _results[line[3..]] = null;
            }
            else if (line.StartsWith("FAIL ", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 5)
            {
                _results[line[5..colon]] = line[(colon + 1)..].Trim();
            }
        }
    }

    public string Script { get; }

    public CliResult Run { get; }

    public IReadOnlyCollection<string> Names => _results.Keys;

    public void AssertPassed(string check)
    {
        Assert.True(_results.TryGetValue(check, out var failure), $"{Script} did not report the check '{check}'.\n{Run.ToString()}");
        Assert.True(failure is null, $"{Script}: {check} failed: {failure}");
    }

    /// <summary>Every check the script ran is one the test class names, and the reverse, so none goes unreported.</summary>
    public void AssertRanExactly(IEnumerable<string> expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), Names.Order(StringComparer.Ordinal));
}

using System.Runtime.Loader;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>Compiling leaves no load context behind: a host compiles every edited version of a script in one process.</summary>
public sealed class CompilerLoadContextTests
{
    [Fact]
    public void Compiling_many_versions_adds_no_load_contexts()
    {
        using var folder = new TempFolder("runner-compile");
        var engine = ScriptEngine.Create(folder.Combine(".runner"), NullLogger.Instance);
        var path = folder.Write("jobs/edited.csx", "return 0;\n");
        engine.Check(path, CancellationToken.None); // the first compile loads what every compile shares
        var before = Contexts();

        for (var version = 1; version <= 5; version++)
        {
            File.WriteAllText(path, $"return {version};\n");
            Assert.DoesNotContain(engine.Check(path, CancellationToken.None), d => d.IsError);
        }

        Assert.Equal(before, Contexts());
    }

    /// <summary>Roslyn's own load contexts (other tests' scripts come and go in theirs meanwhile).</summary>
    private static int Contexts() => AssemblyLoadContext.All.Count(c => c.GetType().FullName?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true);
}

using Microsoft.Extensions.Logging.Abstractions;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>A scheduled fire after a broken edit runs the last version that compiled; an ad hoc run still fails.</summary>
public sealed class LastGoodScriptTests : IDisposable
{
    private readonly TempFolder _folder = new("runner-lastgood");

    [Fact]
    public void A_broken_edit_falls_back_to_the_last_version_that_compiled_only_when_asked()
    {
        var engine = ScriptEngine.Create(_folder.Combine("state"), NullLogger.Instance);
        var path = _folder.Write("jobs/job.csx", "return \"v1\";");
        using (var first = engine.Load(path, CancellationToken.None, fallbackToLastGood: true))
        {
            Assert.Null(first.FallbackReason);
        }

        _folder.Write("jobs/job.csx", "return \"v2\"");

        Assert.Throws<ScriptCompilationException>(() => engine.Load(path, CancellationToken.None));
        using var fallback = engine.Load(path, CancellationToken.None, fallbackToLastGood: true);
        Assert.NotNull(fallback.FallbackReason);
        Assert.Contains("error CS1002", fallback.FallbackReason);
        Assert.Contains("ran the last version that did", fallback.FallbackReason);
    }

    [Fact]
    public void A_script_that_never_compiled_has_nothing_to_fall_back_to()
    {
        var engine = ScriptEngine.Create(_folder.Combine("state"), NullLogger.Instance);
        var path = _folder.Write("jobs/never.csx", "return \"v1\"");

        var error = Assert.Throws<ScriptCompilationException>(() => engine.Load(path, CancellationToken.None, fallbackToLastGood: true));
        Assert.Contains(error.Diagnostics, d => d.Id == "CS1002");
    }

    public void Dispose() => _folder.Dispose();
}

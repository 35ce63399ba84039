using System.Collections;
using Runner.Cli;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Redaction;

namespace Runner.Tests.Cli;

/// <summary>How a command's failure becomes one message and an exit code.</summary>
public sealed class FailuresTests
{
    [Fact]
    public void An_unexpected_internal_error_exits_70_says_it_is_a_bug_and_shows_the_stack_without_verbose()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, new Hashtable(), Path.GetTempPath(), interactive: false);
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Sequence contains no elements");
        }
        catch (Exception e)
        {
            thrown = e;
        }

        var code = Failures.Report(thrown, console, new SecretRedactor(), verbose: false);

        Assert.Equal(70, code);
        Assert.Equal(ExitCodes.InternalError, code);
        Assert.StartsWith("error: this is a bug in Runner (unexpected InvalidOperationException: Sequence contains no elements)", error.ToString());
        Assert.Contains("   at Runner.Tests.Cli.FailuresTests", error.ToString());
    }
}

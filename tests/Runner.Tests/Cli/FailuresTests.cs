using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Redaction;

namespace Runner.Tests.Cli;

public sealed class FailuresTests
{
    [Fact]
    public void An_unexpected_error_exits_70_saying_it_is_a_bug_with_the_stack_on_stderr_even_without_verbose()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, new Dictionary<string, string>(), Path.GetTempPath(), interactive: false);
        Exception bug;
        try
        {
            throw new InvalidOperationException("the queue was in a state it cannot be in");
        }
        catch (InvalidOperationException e)
        {
            bug = e;
        }

        var code = Failures.Report(bug, console, new SecretRedactor(), verbose: false);

        Assert.Equal(70, code);
        var text = error.ToString();
        Assert.Contains("the queue was in a state it cannot be in", text);
        Assert.Contains("This is a bug in Runner", text);
        Assert.Contains(nameof(An_unexpected_error_exits_70_saying_it_is_a_bug_with_the_stack_on_stderr_even_without_verbose), text); // the stack frame
        Assert.Equal("", output.ToString());
    }
}

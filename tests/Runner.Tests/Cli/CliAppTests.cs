using System.Runtime.CompilerServices;
using Runner.Cli;
using Runner.Cli.Composition;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>The command tree as a long-lived process (the run server) builds it once per invocation.</summary>
public sealed class CliAppTests
{
    [Fact]
    public void A_finished_invocation_keeps_neither_its_command_tree_nor_its_console()
    {
        using var workspace = new Workspace();

        // A run server builds a tree per served run; one shared option instance would keep each tree, its console and
        // what the console buffered (a 10,000-tenant run's JSON) for the life of the server.
        var first = Invoke(workspace, "--version");
        var second = Invoke(workspace, "history", "--help", "-v");
        for (var i = 0; i < 3 && (first.IsAlive || second.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(first.IsAlive, "the first invocation's console is still reachable");
        Assert.False(second.IsAlive, "the second invocation's console is still reachable");
    }

    [Fact]
    public async Task Global_options_are_read_in_every_invocation_of_one_process()
    {
        using var workspace = new Workspace();
        var missing = workspace.Path("elsewhere/runner.yaml");

        // Built twice in one process, each tree reads its own --config and --verbose.
        var first = await workspace.RunAsync("history", "--config", missing);
        var second = await workspace.RunAsync("history", "-c", missing, "-v");

        Assert.NotEqual(0, first.ExitCode);
        Assert.Contains("elsewhere", first.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("elsewhere", second.Error, StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Invoke(Workspace workspace, params string[] args)
    {
        var output = new StringWriter();
        var console = new CliConsole(output, new StringWriter(), workspace.Environment, workspace.Root, interactive: false);
        var code = CliApp.RunAsync(args, console).GetAwaiter().GetResult();
        Assert.Equal(0, code);
        Assert.NotEmpty(output.ToString());
        return new WeakReference(console);
    }
}

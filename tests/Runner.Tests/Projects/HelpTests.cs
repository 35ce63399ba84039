using System.CommandLine;
using Runner.Cli;
using Runner.Cli.Rendering;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Projects;

/// <summary>Help that stands alone: every command an operator sees says what it does and gives an example; --version
/// names the commit. (The hidden `worker` command is started by the host only.)</summary>
public sealed class HelpTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var command in All(CliApp.BuildRoot(Runner.Cli.Composition.CliConsole.FromProcess())))
        {
            data.Add(command);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_help_has_an_example_line(string path)
    {
        using var workspace = new Workspace();

        var help = await workspace.RunAsync([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Matches(@"Examples?:\s*\n\s+runner ", help.Output);
    }

    [Fact]
    public async Task Root_help_lists_init_and_links_the_documentation()
    {
        using var workspace = new Workspace();

        var help = await workspace.RunAsync("--help");

        Assert.Contains("init", help.Output);
        Assert.Contains("runner init my-jobs", help.Output);
        Assert.Contains(Runner.Projects.DocsLinks.RepositoryUrl + "/tree/main/docs", help.Output);
    }

    [Fact]
    public async Task Version_prints_the_version_and_the_commit()
    {
        using var workspace = new Workspace();

        var version = await workspace.RunAsync("--version");

        Assert.Equal(0, version.ExitCode);
        Assert.Equal(VersionText.Describe(), version.Output.Trim());
        Assert.Matches(@"^runner \d+\.\d+\.\d+\S* \(commit [0-9a-f]{7}\)$", version.Output.Trim());
    }

    private static IEnumerable<string> All(Command command, string prefix = "")
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            var path = (prefix + " " + sub.Name).Trim();
            yield return path;
            foreach (var nested in All(sub, path))
            {
                yield return nested;
            }
        }
    }
}

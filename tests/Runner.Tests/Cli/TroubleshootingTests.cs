using Runner.Tests.Infrastructure;

namespace Runner.Tests.Cli;

/// <summary>
/// A project for the troubleshooting rows: the built-in sandbox, already consented and with its customers cached,
/// and the files the rows name (jobs, a README, broken configuration files).
/// </summary>
public sealed class TroubleshootingProject : IAsyncLifetime
{
    public Workspace Workspace { get; } = new Workspace().WithBuiltInSandbox("""
        jobs:
          hello: { script: jobs/hello.csx }
          weekly-report: { script: jobs/report.csx, schedule: "0 0 6 ? * MON" }
        """);

    public async Task InitializeAsync()
    {
        Workspace.CopyJob("hello.csx");
        Workspace.Write("jobs/report.csx", "var group = Params.Get<string>(\"group\");\nreturn group;\n");
        Workspace.Write("jobs/partner.csx", "// runner: partner-level\nreturn Tenant.Domain;\n");
        Workspace.Write("jobs/broken.csx", "return Tenant.Domian;\n");
        Workspace.Write("README.md", "# A project\n\nRun `runner run jobs/hello.csx`.\n");
        Workspace.Write("configs/open-web.yaml", "cloud: sandbox\nweb:\n  listen: http://0.0.0.0:8080\n");
        Workspace.Write("configs/unquoted-cron.yaml", "cloud: sandbox\njobs:\n  nightly:\n    script: jobs/hello.csx\n    schedule: * 0 2 * * ?\n");
        var first = await Scripting.RunnerProcess.RunAsync(Workspace, null, "tenants");
        Assert.True(first.ExitCode == 0, first.ToString());
    }

    public Task DisposeAsync()
    {
        Workspace.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// docs/troubleshooting.md lists what a user can meet: each row is run here as written, as a real child process, and
/// must print exactly the documented first line and exit with the documented code, so the page cannot drift.
/// </summary>
public sealed class TroubleshootingTests(TroubleshootingProject project) : IClassFixture<TroubleshootingProject>
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (command, firstLine, exit) in TroubleshootingPage.Rows())
        {
            data.Add(command, firstLine, exit);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_documented_first_line_and_exit_code(string command, string firstLine, int exitCode)
    {
        var result = await Scripting.RunnerProcess.RunAsync(project.Workspace, null, TroubleshootingPage.Arguments(command));

        // Errors go to standard error; a command that only informs writes to standard output.
        var text = result.Error.Trim().Length > 0 ? result.Error : result.Output;
        var actual = text.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        Assert.True(TroubleshootingPage.Matches(firstLine, actual) && result.ExitCode == exitCode,
            $"documented: exit {exitCode}, {firstLine}\nactual:     exit {result.ExitCode}, {actual}\n{result}");
    }

    [Fact]
    public void The_page_covers_the_first_hour()
    {
        var rows = TroubleshootingPage.Rows();
        Assert.True(rows.Count >= 20, $"docs/troubleshooting.md has {rows.Count} rows");
        Assert.Equal(rows.Count, rows.Select(r => r.Command).Distinct(StringComparer.Ordinal).Count());
    }
}

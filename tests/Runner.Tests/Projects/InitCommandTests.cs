using Runner.Configuration;
using Runner.Projects;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Projects;

/// <summary>`runner init` in an empty folder gives a project that runs as it is, and never overwrites anything.</summary>
public sealed class InitCommandTests
{
    [Fact]
    public async Task Init_in_an_empty_folder_writes_a_project_that_runs_against_the_sandbox()
    {
        using var workspace = new Workspace();

        var init = await workspace.RunAsync("init");

        Assert.True(init.ExitCode == 0, init.ToString());
        foreach (var file in new[] { "runner.yaml", "jobs/hello.csx", "jobs/_editor/runner.globals.csx", "omnisharp.json", ".vscode/settings.json", ".gitignore" })
        {
            Assert.True(File.Exists(workspace.Path(file)), $"{file} missing; output: {init}");
            Assert.Contains($"Created {file}", init.Output);
        }

        var yaml = File.ReadAllText(workspace.Path("runner.yaml"));
        Assert.Contains("cloud: sandbox", yaml);
        Assert.Contains("# partner:", yaml);
        Assert.Contains("#   clientId:", yaml);
        Assert.Contains(DocsLinks.Page("production.md"), yaml);
        Assert.Contains(".runner/", File.ReadAllLines(workspace.Path(".gitignore")));
        Assert.Equal(File.ReadAllText(RepositoryFile("jobs/hello.csx")), File.ReadAllText(workspace.Path("jobs/hello.csx")));
        Assert.Contains("runner run jobs/hello.csx --tenant all", init.Output);

        // The file it wrote is valid as it stands, jobs included, and the first run works.
        var config = ConfigLoader.Load(workspace.Path("runner.yaml"), workspace.Environment);
        Assert.Equal("jobs/hello.csx", Path.GetRelativePath(workspace.Root, config.Jobs["hello"].Script).Replace('\\', '/'));
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Init_where_runner_yaml_exists_refuses_and_writes_nothing()
    {
        using var workspace = new Workspace();
        workspace.Write("runner.yaml", "cloud: sandbox # mine\n");

        var init = await workspace.RunAsync("init");

        Assert.Equal(2, init.ExitCode);
        Assert.Contains("runner.yaml already exists", init.Error);
        Assert.Contains("Nothing was written", init.Error);
        Assert.Equal("cloud: sandbox # mine\n", File.ReadAllText(workspace.Path("runner.yaml")));
        Assert.False(Directory.Exists(workspace.Path("jobs")));
        Assert.False(File.Exists(workspace.Path(".gitignore")));
    }

    [Fact]
    public async Task Init_keeps_an_existing_script_and_adds_the_state_folder_to_an_existing_gitignore_once()
    {
        using var workspace = new Workspace();
        workspace.Write("jobs/hello.csx", "return 1; // mine\n");
        workspace.Write(".gitignore", "bin/\nobj/");

        var init = await workspace.RunAsync("init", "sub/..");

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Equal("return 1; // mine\n", File.ReadAllText(workspace.Path("jobs/hello.csx")));
        Assert.Contains("Kept    jobs/hello.csx (it exists)", init.Output);
        var ignore = File.ReadAllLines(workspace.Path(".gitignore"));
        Assert.Equal(["bin/", "obj/"], ignore[..2]);
        Assert.Single(ignore, l => l == ".runner/");
    }

    [Fact]
    public async Task Two_inits_at_once_in_one_folder_set_it_up_once()
    {
        using var workspace = new Workspace();

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => workspace.RunAsync("init"))));

        Assert.Single(results, r => r.ExitCode == 0);
        Assert.Single(results, r => r.ExitCode == 2 && r.Error.Contains("runner.yaml already exists", StringComparison.Ordinal));
        Assert.Single(File.ReadAllLines(workspace.Path(".gitignore")), l => l == ".runner/");
        var run = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Init_with_a_folder_creates_it_and_says_to_cd_there()
    {
        using var workspace = new Workspace();

        var init = await workspace.RunAsync("init", "weekly-checks");

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(File.Exists(workspace.Path("weekly-checks/runner.yaml")));
        Assert.Contains("cd weekly-checks", init.Output);
    }

    [Fact]
    public async Task Commands_without_runner_yaml_name_runner_init()
    {
        using var workspace = new Workspace();

        var run = await workspace.RunAsync("run", "jobs/hello.csx");
        var created = await workspace.RunAsync("new", "weekly-check");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Run `runner init`", run.Error);
        Assert.DoesNotContain("README", run.Error);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("There is no runner.yaml here", created.Output);
        Assert.Contains("  runner init", created.Output);
    }

    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Runner.sln")))
            {
                return Path.Combine(folder.FullName, relative);
            }
        }

        throw new InvalidOperationException("Runner.sln not found above the test output.");
    }
}

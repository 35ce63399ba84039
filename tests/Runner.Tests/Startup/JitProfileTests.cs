using System.Collections;
using Microsoft.Extensions.Time.Testing;
using Runner.Sandbox;
using Runner.Startup;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Startup;

/// <summary>
/// The start-up profile as the real `runner` process keeps it: one per command and build in the user's cache folder,
/// replaced whole at the end of each run, never left half-written by processes started at once.
/// </summary>
public sealed class JitProfileTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private SandboxHost Host => sandbox.Host;

    [Fact]
    public async Task A_cached_run_leaves_its_profile_in_the_cache_folder_and_the_next_run_replaces_it()
    {
        using var workspace = await NewWorkspaceAsync();

        // The first run compiles the script: its recording (the compiler's methods) is not kept.
        await Run(workspace);
        var folder = Assert.Single(Directory.GetDirectories(workspace.Path("cache/runner/jit")));
        Assert.Empty(Directory.GetFiles(folder));

        var cached = await Run(workspace);
        var profile = Path.Combine(folder, JitProfile.NameFor(["run", "jobs/hello.csx"], workspace.Root) + ".profile");
        Assert.True(File.Exists(profile) && new FileInfo(profile).Length > 1024, cached.ToString());
        var written = File.GetLastWriteTimeUtc(profile);

        await Task.Delay(20);
        await Run(workspace);

        Assert.Equal([Path.GetFileName(profile)], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.True(File.GetLastWriteTimeUtc(profile) > written);
    }

    [Fact]
    public async Task Runs_started_at_once_leave_one_whole_profile_and_no_copies()
    {
        using var workspace = await NewWorkspaceAsync();
        await Run(workspace);
        await Run(workspace);

        var runs = Enumerable.Range(0, 3).Select(_ => RunnerProcess.StartDll(workspace, "run", "jobs/hello.csx", "--tenant", "all")).ToList();
        foreach (var run in runs)
        {
            using (run)
            {
                Assert.True(await run.WaitAsync() == 0, run.ToString());
            }
        }

        var folder = Assert.Single(Directory.GetDirectories(workspace.Path("cache/runner/jit")));
        var name = JitProfile.NameFor(["run", "jobs/hello.csx"], workspace.Root) + ".profile";
        Assert.Equal([name], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.True(new FileInfo(Path.Combine(folder, name)).Length > 1024);
        await Run(workspace);
    }

    [Fact]
    public async Task A_profile_recorded_with_a_scripts_r_dll_does_not_change_what_the_script_runs_once_the_dll_changed()
    {
        using var workspace = await NewWorkspaceAsync();
        var customer = Host.Customers.First(c => c.GdapStatus == "active");
        string[] run = ["run", "jobs/greet.csx", "--tenant", customer.Domain, "--output", "json"];
        Runner.Tests.Scripting.TestLibraries.Compile(workspace.Path("lib/Greeter.dll"), "Greeter", "public static class Greeter { public static string Hello(string who) => \"hello \" + who; }");
        workspace.Write("jobs/greet.csx", "#r \"../lib/Greeter.dll\"\nreturn Greeter.Hello(Tenant.Domain);\n");
        await Run(workspace, run);
        await Run(workspace, run);
        Assert.Single(Directory.GetFiles(Assert.Single(Directory.GetDirectories(workspace.Path("cache/runner/jit")))));

        // Another Greeter.dll under the same name: the script is compiled again, the profile still names the old one.
        Runner.Tests.Scripting.TestLibraries.Compile(workspace.Path("lib/Greeter.dll"), "Greeter", "public static class Greeter { public static string Hello(string who) => \"hi \" + who; }");
        var recompiled = await Run(workspace, run);
        var cached = await Run(workspace, run);

        foreach (var result in new[] { recompiled, cached })
        {
            Assert.Equal($"hi {customer.Domain}", (string)System.Text.Json.Nodes.JsonNode.Parse(result.Output)!["tenants"]![0]!["result"]!);
        }
    }

    [Fact]
    public async Task Switched_off_a_run_writes_nothing_to_the_cache_folder()
    {
        using var workspace = await NewWorkspaceAsync();
        workspace.Environment[JitProfile.Switch] = "off";

        await Run(workspace);

        Assert.False(Directory.Exists(workspace.Path("cache/runner")));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_cache_folder_others_can_write_to_is_not_used()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes.");
        using var workspace = await NewWorkspaceAsync();
        await Run(workspace);
        await Run(workspace);
        var folder = Assert.Single(Directory.GetDirectories(workspace.Path("cache/runner/jit")));
        var profile = Assert.Single(Directory.GetFiles(folder));
        var written = File.GetLastWriteTimeUtc(profile);
        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        await Task.Delay(20);
        await Run(workspace);

        Assert.True(JitProfile.OthersCanWrite(folder));
        Assert.Equal(written, File.GetLastWriteTimeUtc(profile));
        Assert.Equal([profile], Directory.GetFiles(folder));
    }

    [SkippableFact]
    public void FolderFor_UsesXdgCacheHomeWhenAbsoluteElseHomeCache()
    {
        Skip.If(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS(), "The XDG folders are Linux's.");
        Assert.Equal("/c/runner/jit/b1", JitProfile.FolderFor(new Hashtable { ["XDG_CACHE_HOME"] = "/c", ["HOME"] = "/h" }, "b1"));
        Assert.Equal("/h/.cache/runner/jit/b1", JitProfile.FolderFor(new Hashtable { ["XDG_CACHE_HOME"] = "relative", ["HOME"] = "/h" }, "b1"));
        Assert.Equal("/h/.cache/runner/jit/b1", JitProfile.FolderFor(new Hashtable { ["HOME"] = "/h" }, "b1"));
        Assert.Null(JitProfile.FolderFor(new Hashtable(), "b1"));
    }

    [Fact]
    public void NameFor_IsTheCommandsAndForRunTheScriptsInItsFolder()
    {
        Assert.Equal("tenants", JitProfile.NameFor(["tenants"], "/work"));
        Assert.Null(JitProfile.NameFor(["check", "jobs/a.csx"], "/work"));
        Assert.Null(JitProfile.NameFor(["host"], "/work"));
        Assert.Null(JitProfile.NameFor(["worker", "--host", "x"], "/work"));
        Assert.Null(JitProfile.NameFor([], "/work"));
        Assert.Equal("run", JitProfile.NameFor(["run", "--tenant", "all", "jobs/a.csx"], "/work"));
        var a = JitProfile.NameFor(["run", "jobs/a.csx", "--tenant", "all"], "/work");
        Assert.Equal(a, JitProfile.NameFor(["run", "jobs/a.csx"], "/work"));
        Assert.NotEqual(a, JitProfile.NameFor(["run", "jobs/b.csx"], "/work"));
        Assert.NotEqual(a, JitProfile.NameFor(["run", "jobs/a.csx"], "/other"));
    }

    [Fact]
    public void RemoveUnused_RemovesKilledProcessesCopiesAndProfilesNobodyPlayedForAMonth()
    {
        using var folder = new TempFolder();
        // Now: deleting a file stamps its folder with the real time.
        var now = DateTimeOffset.UtcNow;
        var killed = Touch(folder.Combine("b1/run~101.profile"), now.AddHours(-2));
        var running = Touch(folder.Combine("b1/run~102.profile"), now.AddMinutes(-5));
        var played = Touch(folder.Combine("b1/run.profile"), now.AddDays(-29));
        var unused = Touch(folder.Combine("b1/check.profile"), now.AddDays(-31));
        var otherBuild = Touch(folder.Combine("b0/run.profile"), now.AddDays(-40));

        JitProfile.RemoveUnused(folder.Path, new FakeTimeProvider(now));

        Assert.False(File.Exists(killed));
        Assert.True(File.Exists(running));
        Assert.True(File.Exists(played));
        Assert.False(File.Exists(unused));
        Assert.False(File.Exists(otherBuild));
        Assert.True(Directory.Exists(folder.Combine("b0")));

        // The emptied build's folder goes once it has been empty a while.
        Directory.SetLastWriteTimeUtc(folder.Combine("b0"), now.AddHours(-2).UtcDateTime);
        JitProfile.RemoveUnused(folder.Path, new FakeTimeProvider(now));
        Assert.False(Directory.Exists(folder.Combine("b0")));
        Assert.True(Directory.Exists(folder.Combine("b1")));
    }

    private async Task<Workspace> NewWorkspaceAsync()
    {
        var workspace = await new Workspace().WithSandboxAsync(Host);
        workspace.CopyJob("hello.csx");
        workspace.Environment["XDG_CACHE_HOME"] = workspace.Path("cache");
        return workspace;
    }

    private static async Task<CliResult> Run(Workspace workspace, params string[] args)
    {
        using var run = RunnerProcess.StartDll(workspace, args is [] ? ["run", "jobs/hello.csx", "--tenant", "all"] : args);
        var result = await run.ResultAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static string Touch(string path, DateTimeOffset at)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, at.UtcDateTime);
        return path;
    }
}

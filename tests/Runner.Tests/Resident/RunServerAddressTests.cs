using System.Collections;
using Runner.Resident;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Resident;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RunServerAddressTests : IDisposable
{
    private readonly TempFolder _runtime = new("run-server-address");

    [Fact]
    public void Key_IgnoresWhatAShellChangesBetweenCommands_AndFollowsEverythingElse()
    {
        var environment = new Hashtable { ["HOME"] = "/home/op", ["_"] = "/usr/bin/ls", ["OLDPWD"] = "/a", ["SHLVL"] = "1" };
        var same = new Hashtable { ["HOME"] = "/home/op", ["_"] = "/usr/bin/runner", ["OLDPWD"] = "/b", ["SHLVL"] = "2" };
        var other = new Hashtable { ["HOME"] = "/home/op", ["AZURE_TENANT"] = "x" };
        var assembly = typeof(RunServerAddress).Assembly.Location;

        Assert.Equal(RunServerAddress.Key("/work/jobs", environment, assembly), RunServerAddress.Key("/work/jobs", same, assembly));
        Assert.NotEqual(RunServerAddress.Key("/work/jobs", environment, assembly), RunServerAddress.Key("/work/jobs", other, assembly));
        Assert.NotEqual(RunServerAddress.Key("/work/jobs", environment, assembly), RunServerAddress.Key("/work/other", environment, assembly));
        Assert.NotEqual(RunServerAddress.Key("/work/jobs", environment, assembly), RunServerAddress.Key("/work/jobs", environment, typeof(Xunit.Assert).Assembly.Location));
    }

    [Fact]
    public void For_MakesAFolderOnlyTheUserOpens()
    {
        var socket = RunServerAddress.For("/work/jobs", new Hashtable { ["XDG_RUNTIME_DIR"] = _runtime.Path }, typeof(RunServerAddress).Assembly.Location);

        Assert.NotNull(socket);
        Assert.Equal(Path.Combine(_runtime.Path, "runner"), Path.GetDirectoryName(socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
    }

    [Fact]
    public void For_AFolderOthersCanOpen_IsNotUsed()
    {
        Directory.CreateDirectory(Path.Combine(_runtime.Path, "runner"));
        File.SetUnixFileMode(Path.Combine(_runtime.Path, "runner"), (UnixFileMode)Convert.ToInt32("777", 8));

        Assert.Null(RunServerAddress.For("/work/jobs", new Hashtable { ["XDG_RUNTIME_DIR"] = _runtime.Path }, typeof(RunServerAddress).Assembly.Location));
    }

    public void Dispose() => _runtime.Dispose();
}

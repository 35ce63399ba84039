using Runner.Runtime;

namespace Runner.Tests.Runtime;

public sealed class ProcessesTests
{
    [Fact]
    public void IsAlive_ThisProcess_IsTrue() => Assert.True(Processes.IsAlive(Environment.ProcessId));

    [SkippableFact]
    public void IsAlive_AThreadOfARunningProcess_IsFalse()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "thread ids answer as processes on Linux only");
        // A dead worker's id reused by some process's thread: it is no worker.
        var thread = Directory.GetDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .First(id => id != Environment.ProcessId);

        Assert.False(Processes.IsAlive(thread));
    }

    [Fact]
    public void IsAlive_AnExitedProcess_IsFalse()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();

        Assert.False(Processes.IsAlive(process.Id));
    }
}

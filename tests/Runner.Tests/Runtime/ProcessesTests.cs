using Runner.Runtime;
using Runner.Tests.Infrastructure;

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

    [SkippableFact]
    public async Task IsAlive_AZombie_IsFalse()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "zombies are read from /proc");
        // The child exits once its parent has become `sleep`, which never reaps it: a zombie for 10 s. (A child that
        // exited at once could be reaped by the shell before its exec: seen once.)
        var start = new System.Diagnostics.ProcessStartInfo("sh", ["-c", "sleep 0.5 & echo $!; exec sleep 10"]) { RedirectStandardOutput = true };
        using var parent = System.Diagnostics.Process.Start(start)!;
        try
        {
            var child = int.Parse((await parent.StandardOutput.ReadLineAsync())!, System.Globalization.CultureInfo.InvariantCulture);
            await Eventually.TrueAsync(() => Task.FromResult(File.ReadAllText($"/proc/{child}/status").Contains("State:\tZ", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(5), $"process {child} to be a zombie");

            Assert.False(Processes.IsAlive(child));
        }
        finally
        {
            parent.Kill();
        }
    }

    [Fact]
    public void IsAlive_AnExitedProcess_IsFalse()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();

        Assert.False(Processes.IsAlive(process.Id));
    }
}

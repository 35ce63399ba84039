using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// The `runner` from the build as a real child process in a workspace, for what only a process shows: signals,
/// SIGKILL, a private mount namespace. Output is captured line by line; disposing kills it if still alive.
/// </summary>
public sealed class RunnerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private RunnerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output => Read(_output);

    public string Error => Read(_error);

    public bool HasExited => _process.HasExited;

    /// <summary>The apphost (`runner`), as an operator starts it.</summary>
    public static RunnerProcess Start(Workspace workspace, params string[] args) =>
        Start(workspace.Root, workspace.Environment, Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "runner.exe" : "runner"), args);

    /// <summary>`dotnet runner.dll args`.</summary>
    public static RunnerProcess StartDll(Workspace workspace, params string[] args) =>
        Start(workspace.Root, workspace.Environment, "dotnet", [Dll, .. args]);

    /// <summary>`sh -c "PREAMBLE exec dotnet runner.dll args"`, optionally under a wrapper such as `unshare -m`.</summary>
    public static RunnerProcess StartInShell(Workspace workspace, IReadOnlyList<string> wrapper, string preamble, params string[] args)
    {
        string[] shell = ["sh", "-c", $"{preamble}\nexec dotnet \"$0\" \"$@\"", Dll, .. args];
        return wrapper.Count == 0
            ? Start(workspace.Root, workspace.Environment, shell[0], shell[1..])
            : Start(workspace.Root, workspace.Environment, wrapper[0], [.. wrapper.Skip(1), .. shell]);
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "runner.dll");

    private static RunnerProcess Start(string directory, IDictionary environment, string fileName, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (DictionaryEntry entry in environment)
        {
            start.Environment[(string)entry.Key] = (string?)entry.Value;
        }

        var process = new Process { StartInfo = start };
        var runner = new RunnerProcess(process);
        process.OutputDataReceived += (_, e) => Append(runner._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(runner._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt() => Signal("-INT");

    /// <summary>SIGKILL: the process ends at once, writing nothing more (a crash, the OOM killer, power loss for the process).</summary>
    public void Kill() => Signal("-KILL");

    /// <summary>Waits for the exit and returns its code; a process still running after <paramref name="timeout"/> is killed and fails the test.</summary>
    public async Task<int> WaitAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"runner did not exit within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s: {this}");
        }

        // The asynchronous readers may still hold the last lines; WaitForExit() without a timeout drains them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits for the exit and returns what a <see cref="Workspace"/> run returns.</summary>
    public async Task<CliResult> ResultAsync(TimeSpan? timeout = null)
    {
        var code = await WaitAsync(timeout);
        return new CliResult(code, Output, Error);
    }

    public override string ToString() => $"--- stdout ---\n{Output}\n--- stderr ---\n{Error}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }
}

using System.Collections;
using System.Diagnostics;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// `runner host` as a real child process (`dotnet runner.dll host`), for what only a process can show: SIGTERM,
/// SIGKILL, several cluster nodes. Its standard error is kept line by line; disposing it kills it if still alive.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private HostProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lines)
                {
                    _lines.Add(e.Data);
                }
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Log
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    public static HostProcess Start(string workingDirectory, IDictionary environment, string name, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "runner.dll"));
        start.ArgumentList.Add("host");
        foreach (var argument in extra)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (DictionaryEntry variable in environment)
        {
            start.Environment[(string)variable.Key] = variable.Value as string;
        }

        return new HostProcess(Process.Start(start)!, name);
    }

    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => Task.FromResult(Log.Contains(text, StringComparison.Ordinal) || HasExited), timeout, $"'{text}' from host {Name}. Its log:\n{Log}");
        if (!Log.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Host {Name} exited ({ExitCode}) before logging '{text}':\n{Log}");
        }
    }

    /// <summary>SIGTERM, as systemd sends it.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL to the host alone (its worker stays, and sees the host's pipe close).</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}

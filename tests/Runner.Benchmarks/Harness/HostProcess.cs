using System.Diagnostics;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A `runner host` process of a benchmark project, its standard error kept line by line. Disposing it stops it as
/// systemd would (SIGTERM, then SIGKILL of the tree after a minute).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private HostProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.Add(e.Data);
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

    /// <summary>`dotnet runner.dll host ARGS` in the project folder, with the project's environment.</summary>
    public static HostProcess Start(BenchProject project, string dll, string name, params string[] arguments) =>
        new(Process.Start(project.Start(dll, ["host", .. arguments]))!, name);

    /// <summary>Until the host has logged "Host … started (…)"; throws if it exits first.</summary>
    public async Task WaitStartedAsync(TimeSpan timeout)
    {
        await Poll.UntilAsync(() => Task.FromResult(Logged(" started (") || HasExited), timeout, $"host {Name} to start");
        if (HasExited)
        {
            throw new InvalidOperationException($"runner host ({Name}) exited {_process.ExitCode}:\n{string.Join('\n', Tail(50))}");
        }
    }

    public bool Logged(string text)
    {
        lock (_log)
        {
            return _log.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    public int Count(string text)
    {
        lock (_log)
        {
            return _log.Count(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    public IReadOnlyList<string> Tail(int lines)
    {
        lock (_log)
        {
            return [.. _log.TakeLast(lines)];
        }
    }

    /// <summary>CPU time of the host and its workers (running, or ended and waited for), so far.</summary>
    public TimeSpan Cpu() => HasExited ? TimeSpan.Zero : ProcessTree.Cpu(_process.Id);

    /// <summary>CPU time of the host process itself, so far.</summary>
    public TimeSpan OwnCpu() => HasExited ? TimeSpan.Zero : Proc.Cpu(_process.Id);

    /// <summary>Resident memory of the host and every process below it (workers, warm or running), in bytes.</summary>
    public long TreeRss() => HasExited ? 0 : ProcessTree.Rss(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await Proc.TerminateAsync(_process);
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Runner.Scripting;

namespace Runner.Scheduling;

/// <summary>
/// Compiles job scripts when they change (and once at start, before the first fire), so compile errors are reported
/// when they are made and every worker finds its script in the compile cache. The compile runs in a child process
/// (`runner check`), which keeps Roslyn and its memory out of the long-running host. A worker whose script does not
/// compile runs the last version that did (the run's record says so, with the compiler's message); with no such
/// version the run is recorded as Error with the compiler's messages.
/// </summary>
internal sealed class ScriptChecker(HostConfiguration configuration, SchedulerHostOptions options, ILogger<ScriptChecker> log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sync = new(1, 1);

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await _sync.WaitAsync(cancellationToken);
        try
        {
            var config = configuration.Current;
            var changed = Changed(config.Jobs.Values).ToList();
            if (changed.Count == 0)
            {
                return;
            }

            var scripts = changed.Select(j => j.Script).Distinct().ToList();
            var (exitCode, errors) = await CompileAsync(config.FilePath, config.BaseDirectory, scripts, cancellationToken);
            var attributed = false;
            foreach (var job in changed)
            {
                var shown = Path.GetRelativePath(config.BaseDirectory, job.Script);
                var mine = errors.Where(e => e.StartsWith(shown + "(", StringComparison.Ordinal) || e.StartsWith(job.Script + "(", StringComparison.Ordinal)).ToList();
                var first = _seen.Add(job.Name);
                if (mine.Count > 0)
                {
                    attributed = true;
                    log.LogError("{Script} does not compile; until it is fixed, fires of '{Job}' run the last version that compiled (or fail if none did):{NewLine}{Errors}", shown, job.Name, Environment.NewLine, string.Join(Environment.NewLine, mine));
                }
                else if (!first)
                {
                    log.LogInformation("{Script} changed; compiled, and used from the next fire of '{Job}'.", shown, job.Name);
                }
            }

            if (exitCode != 0 && !attributed)
            {
                // Errors in a #load'ed file, or the check itself failed.
                log.LogError("Compiling the changed scripts failed:{NewLine}{Errors}", Environment.NewLine, string.Join(Environment.NewLine, errors));
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Compiles one script Runner wrote itself (the warm workers' rehearsal), outside the jobs' bookkeeping.</summary>
    public async Task<bool> CompileBuiltInAsync(string script, CancellationToken cancellationToken)
    {
        var config = configuration.Current;
        var (exitCode, errors) = await CompileAsync(config.FilePath, config.BaseDirectory, [script], cancellationToken);
        if (exitCode != 0)
        {
            log.LogWarning("Compiling {Script} failed (warm workers rehearse without it): {Errors}", script, string.Join(" ", errors));
        }

        return exitCode == 0;
    }

    /// <summary>Jobs whose script (or #load closure) differs from when it was last checked, by compile-cache key.</summary>
    private IEnumerable<Configuration.JobSettings> Changed(IEnumerable<Configuration.JobSettings> jobs)
    {
        foreach (var job in jobs)
        {
            string key;
            try
            {
                key = ScriptSource.Read(job.Script).CacheKey;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (_keys.GetValueOrDefault(job.Name) != "missing")
                {
                    log.LogError("The script of job '{Job}' cannot be read ({Problem}); its fires fail until it is back.", job.Name, e.Message);
                    _keys[job.Name] = "missing";
                }

                continue;
            }

            if (_keys.GetValueOrDefault(job.Name) != key)
            {
                _keys[job.Name] = key;
                yield return job;
            }
        }
    }

    private async Task<(int ExitCode, IReadOnlyList<string> Errors)> CompileAsync(string configPath, string directory, IReadOnlyList<string> scripts, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Worker.FileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (IEnumerable<string>)[.. options.Worker.PrefixArguments, "check", "--config", configPath, .. scripts])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (System.Collections.DictionaryEntry variable in options.Environment)
        {
            start.Environment[(string)variable.Key] = variable.Value as string;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // The check is an early warning: a host that cannot start it still schedules, and each fire compiles its script.
            return (-1, [$"could not start `{options.Worker.FileName} check` ({e.Message}); scripts are compiled when their jobs fire"]);
        }

        using var started = process;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await output;
        var lines = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (process.ExitCode, lines);
    }
}

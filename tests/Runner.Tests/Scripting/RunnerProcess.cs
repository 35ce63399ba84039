using System.Collections;
using System.Diagnostics;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>
/// Runs the real CLI as its own process (`dotnet runner.dll ...` from the test's output folder) in a workspace, for
/// what only a fresh process shows: which assemblies a run loads, and several processes sharing one state folder.
/// </summary>
internal static class RunnerProcess
{
    public static async Task<CliResult> RunAsync(Workspace workspace, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "runner.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (DictionaryEntry entry in workspace.Environment)
        {
            start.Environment[(string)entry.Key] = (string?)entry.Value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"runner {string.Join(' ', args)} did not finish within 3 minutes.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";
}

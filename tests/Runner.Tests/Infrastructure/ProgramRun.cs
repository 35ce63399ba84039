using System.Diagnostics;
using System.Text;

namespace Runner.Tests.Infrastructure;

/// <summary>Runs a program to its end with the environment given (secrets travel there, never on the command line),
/// killing it past a timeout; finds programs on PATH.</summary>
internal static class ProgramRun
{
    public static async Task<CliResult> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not end within {timeout.TotalSeconds:0} s.\n{output}\n{error}");
        }

        process.WaitForExit();
        return new CliResult(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin")
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}

namespace Runner.Benchmarks.Harness;

/// <summary>
/// PowerShell 7 as the `PowerShell` dotnet tool, installed into the work folder on first use (never onto the machine):
/// `dotnet tool install PowerShell --version 7.6.10 --tool-path WORK/pwsh`.
/// </summary>
internal sealed class PowerShellTool
{
    /// <summary>Pinned to a version that runs here: without --version, `dotnet tool install` picks 7.7.0, which fails.</summary>
    public const string Version = "7.6.10";

    private PowerShellTool(string path, string reportedVersion)
    {
        Path = path;
        ReportedVersion = reportedVersion;
    }

    /// <summary>The pwsh launcher.</summary>
    public string Path { get; }

    /// <summary>What `pwsh -Version` says, e.g. "PowerShell 7.6.10".</summary>
    public string ReportedVersion { get; }

    /// <summary>Installs the tool unless the work folder has it already, then starts it once (a warm-up, and its version).</summary>
    public static async Task<PowerShellTool> EnsureAsync(string workDirectory)
    {
        var folder = System.IO.Path.Combine(workDirectory, "pwsh");
        var pwsh = System.IO.Path.Combine(folder, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        if (!File.Exists(pwsh))
        {
            Console.Error.WriteLine($"Installing PowerShell {Version} (dotnet tool) into {folder} ...");
            Directory.CreateDirectory(workDirectory);
            (await Proc.RunAsync("dotnet", ["tool", "install", "PowerShell", "--version", Version, "--tool-path", folder], workDirectory, timeout: TimeSpan.FromMinutes(10)))
                .EnsureSuccess($"dotnet tool install PowerShell --version {Version}");
        }

        var version = (await Proc.RunAsync(Info(pwsh, ["-NoProfile", "-Version"], workDirectory))).EnsureSuccess("pwsh -Version");
        return new PowerShellTool(pwsh, version.Output.Trim());
    }

    /// <summary>A pwsh process: the benchmark's clean environment plus <paramref name="extra"/>, no telemetry, no update check, no colours.</summary>
    public static System.Diagnostics.ProcessStartInfo Info(string pwsh, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = Proc.Environment();
        environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        environment["POWERSHELL_UPDATECHECK"] = "Off";
        environment["NO_COLOR"] = "1";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return Proc.Info(pwsh, arguments, workingDirectory, environment);
    }

    public System.Diagnostics.ProcessStartInfo Start(IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> extra) =>
        Info(Path, arguments, workingDirectory, extra);
}

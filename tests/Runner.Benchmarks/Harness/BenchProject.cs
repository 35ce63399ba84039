using System.Diagnostics;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A Runner project folder pointing at a standalone sandbox: runner.yaml, the benchmark jobs in jobs/, and the app
/// secret and a refresh token stored with `runner secret set`, as an operator would after consent.
/// </summary>
internal sealed class BenchProject(string root, string runnerDll)
{
    /// <summary>The customer a one-tenant run picks (--tenant).</summary>
    public const string OneTenant = "contoso.onmicrosoft.com";

    public string Root => root;

    public string RunnerDll => runnerDll;

    public string State => Path.Combine(root, ".runner");

    public static async Task<BenchProject> CreateAsync(string root, string runnerDll, SandboxProcess sandbox, string extraYaml = "")
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(root, "jobs"));
        foreach (var job in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Jobs"), "*.csx"))
        {
            File.Copy(job, Path.Combine(root, "jobs", Path.GetFileName(job)));
        }

        await File.WriteAllTextAsync(Path.Combine(root, "runner.yaml"), await sandbox.RunnerYamlAsync(extraYaml));
        var project = new BenchProject(root, runnerDll);
        (await project.RunAsync(["secret", "set", "app-secret"], await File.ReadAllTextAsync(sandbox.AppSecretFile))).EnsureSuccess("runner secret set app-secret");
        (await project.RunAsync(["secret", "set", "partner-refresh-token"], await sandbox.ConsentAsync())).EnsureSuccess("runner secret set partner-refresh-token");
        return project;
    }

    public ProcessStartInfo Start(string dll, params string[] arguments) => Proc.Info("dotnet", [dll, .. arguments], root);

    public Task<ProcResult> RunAsync(string[] arguments, string? input = null, string? dll = null) =>
        Proc.RunAsync(Start(dll ?? runnerDll, arguments), input);

    public void Write(string relative, string content) => File.WriteAllText(Path.Combine(root, relative), content);

    /// <summary>Empties the compile cache (.runner/scripts), so the next run compiles its script: a cold run.</summary>
    public void EmptyCompileCache()
    {
        var cache = Path.Combine(State, "scripts");
        if (Directory.Exists(cache))
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}

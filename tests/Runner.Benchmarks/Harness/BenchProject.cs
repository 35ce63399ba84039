using System.Diagnostics;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A Runner project folder pointing at a standalone sandbox: runner.yaml, the benchmark jobs in jobs/, and the app
/// secret and a refresh token stored with `runner secret set`, as an operator would after consent. Its processes get
/// <paramref name="environment"/> (default: <see cref="Proc.Environment"/>), e.g. RUNNER__STATE for one node of a
/// cluster that shares the folder.
/// </summary>
internal sealed class BenchProject(string root, string runnerDll, IReadOnlyDictionary<string, string?>? environment = null)
{
    /// <summary>The customer a one-tenant run picks (--tenant).</summary>
    public const string OneTenant = "contoso.onmicrosoft.com";

    public string Root => root;

    public string RunnerDll => runnerDll;

    /// <summary>The state folder: RUNNER__STATE when this project's environment sets it, else .runner.</summary>
    public string State => environment?.GetValueOrDefault("RUNNER__STATE") ?? Path.Combine(root, ".runner");

    public static async Task<BenchProject> CreateAsync(string root, string runnerDll, SandboxProcess sandbox, string extraYaml = "")
    {
        var project = await WriteAsync(root, runnerDll, sandbox, extraYaml);
        await project.StoreSecretsAsync(sandbox);
        return project;
    }

    /// <summary>The folder, its jobs and runner.yaml, without secrets (see <see cref="StoreSecretsAsync"/>).</summary>
    public static async Task<BenchProject> WriteAsync(string root, string runnerDll, SandboxProcess sandbox, string extraYaml)
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
        return new BenchProject(root, runnerDll);
    }

    /// <summary>The same folder with more environment variables for its processes (on top of <see cref="Proc.Environment"/>).</summary>
    public BenchProject With(IReadOnlyDictionary<string, string?> variables)
    {
        var merged = Proc.Environment();
        foreach (var (key, value) in variables)
        {
            merged[key] = value;
        }

        return new BenchProject(root, runnerDll, merged);
    }

    /// <summary>The app secret and a fresh refresh token in this project's state folder.</summary>
    public async Task StoreSecretsAsync(SandboxProcess sandbox)
    {
        (await RunAsync(["secret", "set", "app-secret"], await File.ReadAllTextAsync(sandbox.AppSecretFile))).EnsureSuccess("runner secret set app-secret");
        (await RunAsync(["secret", "set", "partner-refresh-token"], await sandbox.ConsentAsync())).EnsureSuccess("runner secret set partner-refresh-token");
    }

    public ProcessStartInfo Start(string dll, params string[] arguments) => Proc.Info("dotnet", [dll, .. arguments], root, environment);

    /// <summary>A self-contained build's own executable (no `dotnet` host in front of it).</summary>
    public ProcessStartInfo StartExecutable(string executable, params string[] arguments) => Proc.Info(executable, arguments, root, environment);

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

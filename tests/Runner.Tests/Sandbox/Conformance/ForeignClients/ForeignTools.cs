using Runner.Tests.Infrastructure;
namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>
/// Finds the other languages' clients. None is skipped when missing: the test fails naming what to install, and
/// .ci/run installs it (Debian's python3-msal, python3-azure and azure-cli; npm's packages are installed here).
/// </summary>
internal static class ForeignTools
{
    private static readonly SemaphoreSlim NpmGate = new(1, 1);

    private static readonly Lazy<Task<string>> Python = new(FindPythonAsync);

    /// <summary>A python3 that imports msal and the Azure SDK: Debian's, ahead of another one on PATH (looked for once).</summary>
    public static Task<string> PythonAsync() => Python.Value;

    private static async Task<string> FindPythonAsync()
    {
        string?[] candidates = ["/usr/bin/python3", ProgramRun.Find("python3")];
        foreach (var python in candidates.OfType<string>().Where(File.Exists).Distinct())
        {
            var probe = await ProgramRun.RunAsync(python, ["-c", "import msal, azure.mgmt.resource, azure.mgmt.storage, azure.mgmt.compute"], new Dictionary<string, string>(),
                Path.GetTempPath(), TimeSpan.FromMinutes(1));
            if (probe.ExitCode == 0)
            {
                return python;
            }
        }

        throw new InvalidOperationException("No python3 with MSAL and the Azure SDK: apt-get install -y python3-msal python3-azure");
    }

    /// <summary>node, with the pinned packages of package.json installed in <paramref name="folder"/> (once).</summary>
    public static async Task<string> NodeAsync(string folder)
    {
        var node = ProgramRun.Find("node") ?? throw new InvalidOperationException("node is not installed: apt-get install -y nodejs npm");
        await NpmGate.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "microsoft-graph-client")) ||
                !Directory.Exists(Path.Combine(folder, "node_modules", "@azure", "identity")))
            {
                var npm = ProgramRun.Find("npm") ?? throw new InvalidOperationException("npm is not installed: apt-get install -y npm");
                var install = await ProgramRun.RunAsync(npm, ["install", "--no-audit", "--no-fund"], new Dictionary<string, string>(), folder, TimeSpan.FromMinutes(5));
                Assert.True(install.ExitCode == 0, $"npm install in {folder} failed.\n{install.ToString()}");
            }
        }
        finally
        {
            NpmGate.Release();
        }

        return node;
    }

    public static string AzureCli() =>
        ProgramRun.Find("az") ?? throw new InvalidOperationException("azure-cli is not installed: apt-get install -y azure-cli");
}

using System.Collections.Concurrent;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>
/// One sandbox for the clients Microsoft writes in other languages (MSAL for Python, azure-mgmt-resource, the
/// JavaScript Graph client, azure-cli), with the environment their scripts read: where the sandbox is, which CA to
/// trust, the partner and a customer tenant with GDAP and Azure, the app's credentials and a consented refresh token.
/// Each script runs once per fixture; its checks are asserted one by one.
/// </summary>
public sealed class ForeignClientFixture : SandboxFixture
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ScriptChecks>>> _runs = new();
    private readonly TempFolder _home = new("runner-foreign-clients");

    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    public string CustomerTenant { get; private set; } = "";

    /// <summary>tests/Conformance in the repository: the scripts.</summary>
    public static string ScriptsFolder => Path.Combine(RepositoryFolder.Root, "tests", "Conformance");

    public string Home => _home.Path;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var customer = Host.Context.Directory.Customers.First(c =>
            Host.Context.Directory.HasActiveRelationship(c, Host.Clock.GetUtcNow()) && c.Content.AzureSubscriptions.Count > 0);
        CustomerTenant = customer.Id.ToString();
        var ca = Host.CaCertificatePath;
        Environment = new Dictionary<string, string>
        {
            ["SANDBOX_URL"] = Host.BaseUri.ToString().TrimEnd('/'),
            ["SANDBOX_PARTNER_TENANT"] = Host.PartnerTenantId.ToString(),
            ["SANDBOX_CUSTOMER_TENANT"] = CustomerTenant,
            ["SANDBOX_CUSTOMER_DOMAIN"] = customer.Domain,
            ["SANDBOX_CLIENT_ID"] = Host.ClientId.ToString(),
            ["SANDBOX_CLIENT_SECRET"] = Host.ClientSecret,
            ["SANDBOX_REFRESH_TOKEN"] = Host.IssueRefreshToken(),
            ["SANDBOX_ADMIN_UPN"] = Host.AdminUserPrincipalName,
            // Python's requests, OpenSSL and Node each read their own variable for an extra CA.
            ["REQUESTS_CA_BUNDLE"] = ca,
            ["SSL_CERT_FILE"] = ca,
            ["NODE_EXTRA_CA_CERTS"] = ca,
            // azure-cli keeps its profile and token cache in a folder of this fixture, not the user's ~/.azure.
            ["AZURE_CONFIG_DIR"] = _home.Combine("azure"),
            ["AZURE_CORE_COLLECT_TELEMETRY"] = "false",
            ["AZURE_CORE_NO_COLOR"] = "true",
            ["AZURE_CORE_ONLY_SHOW_ERRORS"] = "true",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _home.Dispose();
    }

    /// <summary>Runs a script once (later callers share the result) and returns its checks.</summary>
    public Task<ScriptChecks> ChecksAsync(string script, Func<Task<CliResult>> run) =>
        _runs.GetOrAdd(script, _ => new Lazy<Task<ScriptChecks>>(async () => new ScriptChecks(script, await run()))).Value;

    /// <summary>A script under tests/Conformance/python, run with a python3 that has MSAL and the Azure SDK.</summary>
    public Task<ScriptChecks> PythonAsync(string script) => ChecksAsync($"python/{script}", async () =>
    {
        var python = await ForeignTools.PythonAsync();
        return await ProgramRun.RunAsync(python, ["-B", Path.Combine(ScriptsFolder, "python", script)], Environment, Home, TimeSpan.FromMinutes(3));
    });

    /// <summary>A script under tests/Conformance/node, run with node after npm has installed the pinned packages.</summary>
    public Task<ScriptChecks> NodeAsync(string script) => ChecksAsync($"node/{script}", async () =>
    {
        var folder = Path.Combine(ScriptsFolder, "node");
        var node = await ForeignTools.NodeAsync(folder);
        return await ProgramRun.RunAsync(node, [Path.Combine(folder, script)], Environment, folder, TimeSpan.FromMinutes(3));
    });

    /// <summary>A bash script under tests/Conformance/az driving Debian's azure-cli.</summary>
    public Task<ScriptChecks> AzureCliAsync(string script) => ChecksAsync($"az/{script}", async () =>
    {
        var az = ForeignTools.AzureCli();
        var environment = new Dictionary<string, string>(Environment) { ["AZ"] = az };
        return await ProgramRun.RunAsync("/bin/bash", [Path.Combine(ScriptsFolder, "az", script)], environment, Home, TimeSpan.FromMinutes(5));
    });
}

using System.Collections;
using System.Globalization;
using Runner.Auth;
using Runner.Cli;
using Runner.Cli.Composition;
using Runner.Sandbox;
using Runner.Secrets;
using Runner.State;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// A throwaway project folder (runner.yaml, jobs/, state) in which the real CLI runs in-process, with its output
/// captured. Either uses the built-in sandbox (cloud: sandbox) or points at a test's own sandbox (cloud: custom).
/// </summary>
public sealed class Workspace : IDisposable
{
    private readonly TempFolder _folder = new("runner-ws");

    public Workspace()
    {
        Environment = new Hashtable();
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            if (!key.StartsWith("RUNNER", StringComparison.Ordinal))
            {
                Environment[key] = entry.Value;
            }
        }
    }

    public string Root => _folder.Path;

    public string StatePath => _folder.Combine(".runner");

    /// <summary>Environment variables the CLI sees (the process's, minus any RUNNER* from outside the test).</summary>
    public Hashtable Environment { get; }

    public string Write(string relative, string content) => _folder.Write(relative, content);

    public string Path(string relative) => _folder.Combine(relative);

    /// <summary>runner.yaml for the built-in sandbox, plus extra YAML.</summary>
    public Workspace WithBuiltInSandbox(string extra = "", int customers = 10)
    {
        Write("runner.yaml", $"""
            cloud: sandbox
            sandbox:
              customers: {customers}
            {extra}
            """);
        return this;
    }

    /// <summary>runner.yaml pointing at <paramref name="sandbox"/>, with the app secret and a refresh token stored as after consent.</summary>
    public async Task<Workspace> WithSandboxAsync(SandboxHost sandbox, string extra = "", bool seedCredential = true)
    {
        var url = sandbox.BaseUri.AbsoluteUri;
        Write("runner.yaml", $"""
            cloud: custom
            endpoints:
              login: {url}
              partnerCenter: {url}
              resourceManager: {url}
              graph: {url}
              caFile: {sandbox.CaCertificatePath}
            partner:
              tenant: {sandbox.PartnerTenantId}
              clientId: {sandbox.ClientId}
              clientSecret: secret:app-secret
            {extra}
            """);
        var store = new LocalSecretStore(new StateDirectory(StatePath), System.IO.Path.Combine(StatePath, "store.key"), Environment, TimeProvider.System);
        await store.SetAsync("app-secret", sandbox.ClientSecret, null, null, CancellationToken.None);
        if (seedCredential)
        {
            var now = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);
            await store.SetAsync(CredentialStore.RefreshTokenSecret, sandbox.IssueRefreshToken(), new Dictionary<string, string>
            {
                [CredentialStore.UsernameTag] = sandbox.AdminUserPrincipalName,
                [CredentialStore.ConsentedAtTag] = now,
                [CredentialStore.IssuedAtTag] = now,
            }, null, CancellationToken.None);
        }

        return this;
    }

    /// <summary>Copies a script from the repository's jobs/ folder into this workspace's jobs/.</summary>
    public string CopyJob(string name)
    {
        var source = System.IO.Path.Combine(AppContext.BaseDirectory, "jobs", name);
        var target = Path(System.IO.Path.Combine("jobs", name));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
        return target;
    }

    /// <summary>The runs of <paramref name="job"/> in this folder's SQLite history (none before the host created it).</summary>
    internal async Task<IReadOnlyList<global::Runner.History.RunRecord>> RunsAsync(string job)
    {
        if (!File.Exists(Path(".runner/history.db")))
        {
            return [];
        }

        await using var history = global::Runner.History.SqliteRunHistory.Open(Path(".runner/history.db"));
        return await history.ListRunsAsync(job, 1000, CancellationToken.None);
    }

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(CancellationToken.None, args);

    public async Task<CliResult> RunAsync(CancellationToken cancellation, params string[] args) =>
        await RunAsync(new LiveText(), new LiveText(), cancellation, args);

    /// <summary>Runs the CLI writing into <paramref name="output"/> and <paramref name="error"/>, which a test can read while a long command (a host) runs.</summary>
    public async Task<CliResult> RunAsync(LiveText output, LiveText error, CancellationToken cancellation, params string[] args)
    {
        var console = new CliConsole(output.Writer, error.Writer, Environment, Root, interactive: false, new StringReader(Input ?? "")) { Browser = Browser, Time = Time };
        var code = await CliApp.RunAsync(args, console, handleSignals: false, cancellation);
        return new CliResult(code, output.Text, error.Text);
    }

    /// <summary>Standard input for the next CLI call.</summary>
    public string? Input { get; set; }

    /// <summary>What `runner consent` opens the sign-in page with (a test playing the browser); null: none.</summary>
    internal Runner.Auth.IBrowserLauncher? Browser { get; set; } = Runner.Auth.NoBrowser.Instance;

    /// <summary>Runner's clock: set it to a sandbox's clock to move both forward together.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public void Dispose() => _folder.Dispose();
}

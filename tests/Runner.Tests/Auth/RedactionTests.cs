using System.Text;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>
/// Jobs that log, return and throw live tokens and secrets: afterwards no token or secret the sandbox issued (nor
/// the client secret) appears in console output, result files, run history, the state folder (apart from the
/// encrypted store, token cache and key) or exception text.
/// </summary>
public sealed class RedactionTests : IAsyncLifetime
{
    private const string LeakyJob = """
        var lines = File.ReadAllLines(Params.Get<string>("secrets"));
        var accessToken = await Tokens.GetAccessTokenAsync("https://graph.microsoft.com/.default");
        var partnerToken = await Tokens.GetPartnerAccessTokenAsync("https://api.partnercenter.microsoft.com/user_impersonation");
        Log.LogInformation("access {Access} partner {Partner} secret {Secret} refresh {Refresh}", accessToken, partnerToken, lines[0], lines[1]);
        Log.LogWarning($"inline {accessToken} {lines[1]} {lines[0]}");
        Console.WriteLine($"console {accessToken} {lines[1]}");
        Console.Error.Write($"stderr {partnerToken} {lines[0]}");
        if (Tenant.Domain == Params.Get<string>("thrower"))
        {
            throw new InvalidOperationException($"boom {accessToken} {lines[0]} {lines[1]}");
        }

        return new { accessToken, partnerToken, secret = lines[0], refresh = lines[1], joined = new[] { accessToken + "|" + lines[1] } };
        """;

    private readonly TempFolder _outside = new("runner-leak");
    private SandboxHost _sandbox = null!;

    public async Task InitializeAsync() =>
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions { RecordIssuedTokens = true, DataDirectory = _outside.Combine("sandbox") });

    [Fact]
    public async Task No_issued_token_or_secret_reaches_output_results_history_or_state()
    {
        using var workspace = await new Workspace().WithSandboxAsync(_sandbox, seedCredential: false);
        using var browser = new PlayingBrowser(_sandbox);
        workspace.Browser = browser;
        var refreshToken = _sandbox.IssueRefreshToken();
        var secretsFile = _outside.Write("secrets.txt", $"{_sandbox.ClientSecret}\n{refreshToken}\n");
        workspace.Write("jobs/leak.csx", LeakyJob);
        var active = _sandbox.Customers.Where(c => c.GdapStatus == "active").Take(3).ToList();
        var tenantArgs = active.SelectMany(c => new[] { "--tenant", c.Domain }).ToArray();
        string[] Run(params string[] extra) =>
            ["run", "jobs/leak.csx", .. tenantArgs, "--param", $"secrets={secretsFile}", "--param", $"thrower={active[0].Domain}", .. extra];

        var outputs = new List<CliResult>
        {
            await workspace.RunAsync("consent"),
            await workspace.RunAsync(Run("--output", "json")),
            await workspace.RunAsync(Run("--verbose")),
            await workspace.RunAsync(Run("--output", "csv", "--out", "results.csv")),
            await workspace.RunAsync("auth", "refresh", "--verbose"),
            await workspace.RunAsync("auth", "status"),
            await workspace.RunAsync("tenants", "--verbose"),
        };
        var historyRows = await workspace.RunAsync("run", "jobs/leak.csx", "--tenant", "no-such-tenant.example", "--verbose");
        outputs.Add(historyRows);

        Assert.Equal(0, outputs[0].ExitCode);
        Assert.Equal(1, outputs[1].ExitCode);
        Assert.Contains("[REDACTED]", outputs[1].Output);
        Assert.Contains("boom", outputs[1].Output);
        Assert.Contains("inline", outputs[2].Error);
        Assert.Contains("] console [REDACTED]", outputs[1].Error);
        Assert.Contains("] (stderr) stderr [REDACTED]", outputs[2].Error);
        var secrets = _sandbox.IssuedTokens.Append(_sandbox.ClientSecret).Append(refreshToken).Distinct().ToList();
        Assert.True(secrets.Count > 10, $"only {secrets.Count} tokens were issued");
        var places = outputs.SelectMany((o, i) => new[] { ($"command {i} stdout", o.Output), ($"command {i} stderr", o.Error) })
            .Concat(StateFiles(workspace))
            .ToList();
        var leaks = (from place in places
                     from secret in secrets
                     where place.Item2.Contains(secret, StringComparison.Ordinal)
                     select $"{place.Item1} holds a token starting {secret[..12]}").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.Contains(places, p => p.Item1.EndsWith("history.db", StringComparison.Ordinal) || p.Item1.Contains("history.db", StringComparison.Ordinal));
    }

    /// <summary>Every file in the workspace, as text, except the encrypted ones (which hold the credential by design).</summary>
    private static IEnumerable<(string, string)> StateFiles(Workspace workspace)
    {
        var encrypted = new HashSet<string>(StringComparer.Ordinal) { "secrets.bin", "tokens.bin", "store.key" };
        foreach (var file in Directory.EnumerateFiles(workspace.Root, "*", SearchOption.AllDirectories))
        {
            if (encrypted.Contains(Path.GetFileName(file)))
            {
                continue;
            }

            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }
            catch (IOException)
            {
                continue;
            }

            yield return (Path.GetRelativePath(workspace.Root, file), Encoding.Latin1.GetString(bytes));
        }
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _outside.Dispose();
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// Seeded mutations of command lines (and of runner.yaml under a command), run through the real CLI in process:
/// whatever the input, the CLI answers with an exit code of 0 to 3 and messages, never a stack trace or an
/// "unexpected" exception. The project points at a cloud that is not there and holds no app secret, so commands
/// that would connect stop at the secret store: nothing here starts a sandbox or waits for the network.
/// </summary>
public sealed partial class CliMutationTests : IDisposable
{
    private const int Seed = 77_2024;

    private static readonly string[][] CommandLines =
    [
        ["run", "jobs/hello.csx"],
        ["run", "hello", "--tenant", "all", "--parallel", "4", "--timeout", "90s", "--output", "json"],
        ["run", "jobs/hello.csx", "--param", "days=30", "--exclude", "contoso.onmicrosoft.com", "--out", "out.json", "--refresh-tenants", "--partner-level"],
        ["run", "hello", "-t", "group:eu", "-x", "name:*Toys*", "-p", "a=1", "-o", "csv", "--verbose"],
        ["tenants"],
        ["tenants", "--check", "--parallel", "2", "--output", "csv"],
        ["auth", "status"],
        ["auth", "refresh"],
        ["jobs"],
        ["jobs", "--output", "json"],
        ["history"],
        ["history", "hello", "--last", "5", "--output", "json"],
        ["show", "20240101-000000-abcdef", "--output", "json"],
        ["trigger", "hello", "--param", "a=b"],
        ["check", "jobs/hello.csx"],
        ["secret", "set", "other"],
        ["--config", "runner.yaml", "history"],
        ["--help"],
        ["run", "--help"],
        ["--version"],
    ];

    /// <summary>Tokens inserted into command lines: every option and safe command, and shell leftovers.</summary>
    private static readonly string[] Tokens =
    [
        "run", "check", "tenants", "auth", "status", "refresh", "jobs", "trigger", "history", "show", "secret", "set",
        "--tenant", "-t", "--exclude", "-x", "--param", "-p", "--parallel", "--timeout", "--output", "-o", "--out", "--refresh-tenants",
        "--partner-level", "--check", "--refresh", "--last", "-n", "--config", "-c", "--verbose", "-v", "--help", "-h", "-?", "--version",
        "--", "-", "--tenant=all", "--parallel=0", "--output=xml", "-n0", "-vv", "[diagram]", "hello", "jobs/hello.csx", "runner.yaml",
        "a=b", "=", "k=", "=v", "key==v",
    ];

    /// <summary>Commands that serve or wait until stopped (host, sandbox, consent, worker, trigger --wait) are never produced.</summary>
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "host", "sandbox", "consent", "worker", "--wait" };

    private readonly Workspace _workspace = new();

    public CliMutationTests()
    {
        _workspace.Write("jobs/hello.csx", "return 1;\n");
        _workspace.Write("runner.yaml", Config);
    }

    /// <summary>A cloud nobody listens on (connections are refused at once), and no app secret in the store.</summary>
    private const string Config = """
        cloud: custom
        endpoints:
          login: https://127.0.0.1:9/
          partnerCenter: https://127.0.0.1:9/
          resourceManager: https://127.0.0.1:9/
          graph: https://127.0.0.1:9/
        partner:
          tenant: contoso.onmicrosoft.com
          clientId: 6f1f3c0e-0000-4000-8000-000000000001
          clientSecret: secret:app-secret
        tenants:
          groups: { eu: [fabrikam.onmicrosoft.com] }
        jobs:
          hello: { script: jobs/hello.csx, tenants: all, params: { days: 90 } }
        """;

    [Fact]
    public async Task Two_thousand_mutated_command_lines_end_with_an_exit_code_and_no_stack_trace()
    {
        var mutations = new Mutations(Seed);
        var values = Mutations.Values.Where(IsHarmless).ToList();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 2000; i++)
        {
            string[] args;
            do
            {
                var line = mutations.Pick(CommandLines);
                var commandWords = line.TakeWhile(a => !a.StartsWith('-')).Count(a => a is "auth" or "secret" or "status" or "refresh" or "set" || a == line[0]);
                args = mutations.MutateArguments(line, commandWords, [.. Tokens, .. values]);
                args = [.. args.Select(a => IsHarmless(a) ? a : "x")];
            }
            while (args.Any(Blocking.Contains));

            if (await CheckAsync(args) is { } problem)
            {
                failures.Add($"case {i}: runner {string.Join(' ', args.Select(Quote))}\n{problem}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of 2000 command lines misbehaved ({clock.Elapsed.TotalSeconds:0} s); the first ones:\n{string.Join("\n", failures.Take(5))}");
    }

    [Fact]
    public async Task Three_hundred_mutated_files_under_each_kind_of_command_end_with_an_exit_code_and_no_stack_trace()
    {
        var mutations = new Mutations(Seed + 1);
        string[][] commands = [["history"], ["jobs"], ["run", "hello"], ["show", "x"], ["trigger", "hello"], ["auth", "status"]];
        var failures = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var text = mutations.MutateYaml(i % 2 == 0 ? Config : ValidConfigs.Sandbox.Replace("cloud: sandbox", Config.Split("partner:")[0], StringComparison.Ordinal));
            if (!IsHarmless(text))
            {
                continue;
            }

            _workspace.Write("runner.yaml", text);
            var args = commands[i % commands.Length];
            if (StartsSandbox(text))
            {
                args = ["history"];
            }

            if (await CheckAsync(args) is { } problem)
            {
                failures.Add($"case {i}: runner {string.Join(' ', args)}\n{problem}\n--- runner.yaml ---\n{text}\n---");
            }
        }

        _workspace.Write("runner.yaml", Config);
        Assert.True(failures.Count == 0, $"{failures.Count} of 300 files misbehaved; the first ones:\n{string.Join("\n", failures.Take(5))}");
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Null when the CLI behaved: an exit code of 0 to 3, and no trace of an unhandled exception.</summary>
    private async Task<string?> CheckAsync(string[] args)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        CliResult result;
        try
        {
            result = await _workspace.RunAsync(limit.Token, args);
        }
        catch (Exception e)
        {
            return $"the CLI threw: {e}";
        }

        if (limit.IsCancellationRequested)
        {
            return $"did not finish within 30 s: {result}";
        }

        if (result.ExitCode is < 0 or > 3)
        {
            return $"exit code {result.ExitCode}: {result}";
        }

        // --verbose asks for the stack trace of a failure; without it there must be none.
        var verbose = args.Any(a => a is "--verbose" or "-v" or "-vv");
        var all = result.Output + result.Error;
        if ((!verbose && StackFrame().IsMatch(all)) || all.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) ||
            result.Error.Contains("This is a bug in Runner", StringComparison.Ordinal))
        {
            return $"an unhandled exception: {result}";
        }

        return null;
    }

    /// <summary>Keeps mutations inside the workspace: no absolute paths or parent folders (--config /dev/null would start a sandbox
    /// with its state in /dev), no state: moved elsewhere.</summary>
    private static bool IsHarmless(string value) =>
        !value.Contains('/', StringComparison.Ordinal) || (!value.StartsWith('/') && !value.Contains("..", StringComparison.Ordinal) && !value.Contains(": /", StringComparison.Ordinal));

    /// <summary>A mutation that lost `cloud: custom` falls back to the built-in sandbox, which commands with a session would start.</summary>
    private bool StartsSandbox(string text)
    {
        try
        {
            return Runner.Configuration.ConfigLoader.Parse(text, _workspace.Path("runner.yaml"), _workspace.Environment).Cloud.Kind == Runner.Configuration.CloudKind.Sandbox;
        }
        catch (Runner.Configuration.ConfigException)
        {
            return false;
        }
    }

    private static string Quote(string arg)
    {
        var shown = string.Concat(arg.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + (arg.Length > 80 ? $"...({arg.Length} chars)" : "");
        return shown.Length == 0 || shown.Any(char.IsWhiteSpace) ? $"'{shown}'" : shown;
    }

    [GeneratedRegex(@"^\s+at \S+.*\)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}

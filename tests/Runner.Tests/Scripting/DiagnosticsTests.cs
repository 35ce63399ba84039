using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>Compile errors and runtime exceptions point at the operator's own file and line, #load'ed files included.</summary>
public sealed class DiagnosticsTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Check_prints_each_error_with_the_original_file_and_line_also_inside_loaded_files_and_exits_2()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.Write("jobs/_lib/helpers.csx", "// helpers\nint Broken() => \"not a number\";\n");
        workspace.Write("jobs/uses-helpers.csx", "#load \"_lib/helpers.csx\"\n\nvar x = Broken();\nreturn y;\n");
        workspace.Write("jobs/fine.csx", "return 1;\n");

        var result = await workspace.RunAsync("check", "jobs/*.csx");

        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith(Path.Combine("jobs", "_lib", "helpers.csx") + "(2,17): error CS0029: Cannot implicitly convert type 'string' to 'int'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(Path.Combine("jobs", "uses-helpers.csx") + "(4,8): error CS0103: The name 'y' does not exist", StringComparison.Ordinal));
        Assert.Contains("2 script(s) checked: 2 error(s), 0 warning(s).", result.Output);
    }

    [Fact]
    public async Task Check_shows_warnings_and_exits_0_when_there_is_no_error_also_from_the_cache()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.Write("jobs/warns.csx", "#pragma warning disable CS1998\nint unused;\n#pragma warning restore CS1998\nvar value = 0;\nif (value == 0) { int never; }\nreturn value;\n");

        var first = await workspace.RunAsync("check", "jobs/warns.csx");
        var cached = await workspace.RunAsync("check", "jobs/warns.csx");

        foreach (var result in new[] { first, cached })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains(Path.Combine("jobs", "warns.csx") + "(5,23): warning CS0168: The variable 'never' is declared but never used", result.Output);
            Assert.Contains("1 script(s) checked: 0 error(s), 1 warning(s).", result.Output);
        }
    }

    [Fact]
    public async Task Run_shows_the_compile_warnings_when_it_compiles_the_script()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/warns.csx", "var value = 1;\nif (value == 1) { int never; }\nreturn value;\n");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/warns.csx", "--tenant", customer.Domain);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warns.csx(2,23): warning CS0168: The variable 'never' is declared but never used", result.Error);
    }

    [Fact]
    public async Task An_exception_in_an_async_loaded_helper_names_the_helper_line_and_the_calling_line()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/_lib/checks.csx", """
            async Task<int> CountOrFailAsync(string domain)
            {
                await Task.Delay(1, CancellationToken);
                await Task.Yield();
                throw new InvalidOperationException($"no licences in {domain}");
            }
            """);
        workspace.Write("jobs/calls-helper.csx", """
            #load "_lib/checks.csx"
            // The call is on line 4.
            var before = 1;
            var count = await CountOrFailAsync(Tenant.Domain);
            return count + before;
            """);
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/calls-helper.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var error = (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!;
        Assert.Equal(
            $"{Path.Combine("jobs", "_lib", "checks.csx")}(5): InvalidOperationException: no licences in {customer.Domain} (called from {Path.Combine("jobs", "calls-helper.csx")}(4))",
            error);
    }

    [Fact]
    public async Task An_exception_from_an_sdk_call_names_the_script_line_that_made_the_call()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/bad-call.csx", """
            var ok = 1;
            var user = await Graph.Users["00000000-0000-0000-0000-000000000001"].GetAsync(cancellationToken: CancellationToken);
            return user?.DisplayName;
            """);
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/bad-call.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.Equal(1, result.ExitCode);
        var error = (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["error"]!;
        Assert.StartsWith($"{Path.Combine("jobs", "bad-call.csx")}(2): ODataError:", error);
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Execution;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>#load of shared helpers, #r to a DLL, and #r "nuget: Name, Version" restored with the NuGet client.</summary>
public sealed class ScriptReferencesTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Load_resolves_helpers_relative_to_each_file_including_nested_loads()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/_lib/format.csx", "#load \"text/upper.csx\"\nstring Describe(string domain) => $\"tenant {Upper(domain)}\";\n");
        workspace.Write("jobs/_lib/text/upper.csx", "string Upper(string s) => s.ToUpperInvariant();\n");
        workspace.Write("jobs/nested/uses-lib.csx", "#load \"../_lib/format.csx\"\nreturn Describe(Tenant.Domain);\n");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/nested/uses-lib.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var row = JsonNode.Parse(result.Output)!["tenants"]![0]!;
        Assert.Equal($"tenant {customer.Domain.ToUpperInvariant()}", (string)row["result"]!);
    }

    [Fact]
    public async Task R_to_a_dll_path_compiles_against_it_and_loads_it_again_on_a_cached_run()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        TestLibraries.Compile(workspace.Path("lib/Greeter.dll"), "Greeter", "public static class Greeter { public static string Hello(string who) => \"hello \" + who; }");
        workspace.Write("jobs/greet.csx", "#r \"../lib/Greeter.dll\"\nreturn Greeter.Hello(Tenant.Domain);\n");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var first = await workspace.RunAsync("run", "jobs/greet.csx", "--tenant", customer.Domain, "--output", "json");
        var cached = await RunnerProcess.RunAsync(workspace, null, "run", "jobs/greet.csx", "--tenant", customer.Domain, "--output", "json");

        foreach (var result in new[] { first, cached })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal($"hello {customer.Domain}", (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["result"]!);
        }
    }

    [Fact]
    public async Task R_to_a_dll_path_loads_the_dlls_own_dependencies_from_its_folder()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        // LibA calls LibB; the script names only LibA, as it would a vendor DLL shipped with its dependencies.
        var libB = TestLibraries.Compile(workspace.Path("lib/vendor/LibB.dll"), "LibB", "namespace B { public static class Words { public static string Word => \"from LibB\"; } }");
        TestLibraries.Compile(workspace.Path("lib/vendor/LibA.dll"), "LibA", "namespace A { public static class Api { public static string Call() => \"LibA and \" + B.Words.Word; } }", libB);
        workspace.Write("jobs/vendor.csx", "#r \"../lib/vendor/LibA.dll\"\nreturn A.Api.Call();\n");
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var first = await workspace.RunAsync("run", "jobs/vendor.csx", "--tenant", customer.Domain, "--output", "json");
        var cached = await RunnerProcess.RunAsync(workspace, null, "run", "jobs/vendor.csx", "--tenant", customer.Domain, "--output", "json");

        foreach (var result in new[] { first, cached })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("LibA and from LibB", (string)JsonNode.Parse(result.Output)!["tenants"]![0]!["result"]!);
        }
    }

    [Fact]
    public async Task Scripts_run_culture_aware_and_the_documented_Humanizer_package_works()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        // The package as docs/scripting.md shows it, restored from the machine's own NuGet sources.
        workspace.Write("jobs/culture.csx", """
            #r "nuget: Humanizer.Core, 2.14.1"
            using System.Globalization;
            using Humanizer;

            var german = new CultureInfo("de-DE");
            return new
            {
                amount = 1234.5m.ToString("N2", german),
                day = new DateTime(2026, 12, 5).ToString("D", german),
                sorted = string.Join(",", new[] { "Zebra", "Äpfel", "apfel" }.OrderBy(w => w, StringComparer.Create(german, ignoreCase: false))),
                took = TimeSpan.FromMinutes(90).Humanize(2),
                plural = "subscription".ToQuantity(3),
            };
            """);
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

        var result = await workspace.RunAsync("run", "jobs/culture.csx", "--tenant", customer.Domain, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var value = JsonNode.Parse(result.Output)!["tenants"]![0]!["result"]!;
        Assert.Equal("1.234,50", (string)value["amount"]!);
        Assert.Equal("Samstag, 5. Dezember 2026", (string)value["day"]!);
        Assert.Equal("apfel,Äpfel,Zebra", (string)value["sorted"]!);
        Assert.Equal("1 hour, 30 minutes", (string)value["took"]!);
        Assert.Equal("3 subscriptions", (string)value["plural"]!);
    }

    [Fact]
    public async Task R_nuget_restores_the_exact_package_and_its_dependencies_once_then_works_without_the_feed()
    {
        await using var session = await ScriptSession.OpenAsync(sandbox.Host);
        using var outside = new TempFolder("runner-nuget");
        var words = TestLibraries.Compile(outside.Combine("build/Runner.Test.Words.dll"), "Runner.Test.Words", "namespace Words { public static class Vocabulary { public static string Greeting => \"hello\"; } }");
        var greeting = TestLibraries.Compile(outside.Combine("build/Runner.Test.Greeting.dll"), "Runner.Test.Greeting",
            "namespace Greeting { public static class Greeter { public static string Greet(string who) => Words.Vocabulary.Greeting + \", \" + who; } }", words);
        var feed = outside.Combine("feed");
        TestLibraries.Package(feed, "Runner.Test.Words", "2.0.0", words);
        TestLibraries.Package(feed, "Runner.Test.Greeting", "1.0.0", greeting, ("Runner.Test.Words", "2.0.0"));
        TestLibraries.NuGetConfig(session.Workspace.Root, feed, outside.Combine("packages"));

        // The state folder is outside the project: nuget.config is still found from the script's folder.
        var state = outside.Combine("state");
        var script = session.Workspace.Write("jobs/packaged.csx", "#r \"nuget: Runner.Test.Greeting, 1.0.0\"\nreturn Greeting.Greeter.Greet(Tenant.Domain);\n");

        Assert.Equal($"hello, {session.Tenant.Domain}", await RunAsync(session, ScriptEngine.Create(state, NullLogger.Instance), script));
        var resolved = Assert.Single(Directory.GetFiles(Path.Combine(state, "nuget"), "*.json"));
        Assert.Contains("Runner.Test.Words.dll", File.ReadAllText(resolved));

        // Same package set, changed script, feed gone: compiles from the resolved set without restoring.
        Directory.Delete(feed, recursive: true);
        File.WriteAllText(script, "#r \"nuget: Runner.Test.Greeting, 1.0.0\"\nreturn Greeting.Greeter.Greet(Tenant.Domain) + \"!\";\n");
        Assert.Equal($"hello, {session.Tenant.Domain}!", await RunAsync(session, ScriptEngine.Create(state, NullLogger.Instance), script));
    }

    [Theory]
    [InlineData("#r \"nuget: Runner.Test.Greeting\"", "has no version")]
    [InlineData("#r \"nuget: Runner.Test.Greeting, 1.*\"", "not an exact version")]
    [InlineData("#r \"nuget: Runner.Test.Greeting, [1.0.0, 2.0.0)\"", "not an exact version")]
    public async Task An_unpinned_package_version_is_an_error_naming_file_and_line(string directive, string expected)
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.Write("jobs/unpinned.csx", $"// a job\n{directive}\nreturn 1;\n");

        var result = await workspace.RunAsync("check", "jobs/unpinned.csx");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(Path.Combine("jobs", "unpinned.csx") + "(2,4): error RUNNER003: The package Runner.Test.Greeting", result.Error);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task A_package_the_feeds_do_not_have_is_reported_on_its_r_line()
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        using var outside = new TempFolder("runner-nuget");
        Directory.CreateDirectory(outside.Combine("feed"));
        TestLibraries.NuGetConfig(workspace.Root, outside.Combine("feed"), outside.Combine("packages"));
        workspace.Write("jobs/missing.csx", "#r \"nuget: Runner.Test.DoesNotExist, 3.1.4\"\nreturn 1;\n");

        var result = await workspace.RunAsync("check", "jobs/missing.csx");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(Path.Combine("jobs", "missing.csx") + "(1,4): error NU1101:", result.Error);
        Assert.Contains("Runner.Test.DoesNotExist", result.Error);
    }

    private static async Task<string?> RunAsync(ScriptSession session, ScriptEngine engine, string script)
    {
        using var compiled = engine.Load(script, CancellationToken.None);
        var globals = session.Globals(session.Log());
        return (string?)new ResultSerializer(session.Redactor).ToJson(await compiled.InvokeAsync(globals));
    }
}

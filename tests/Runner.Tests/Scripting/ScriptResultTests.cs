using System.Text.Json.Nodes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>What a script returns or emits becomes the tenant's result, as JSON; anything else is a clear error.</summary>
public sealed class ScriptResultTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Emitted_rows_of_the_scripts_own_record_type_become_the_result()
    {
        var row = await RunOneAsync("""
            enum Severity { Low, High }
            record Finding(string Tenant, Severity Severity, int Count, DateTimeOffset? Seen);
            Emit(new Finding(Tenant.Domain, Severity.High, 3, null));
            Emit(new Finding(Tenant.Domain, Severity.Low, 1, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
            return null;
            """);

        Assert.Equal("Succeeded", (string)row["status"]!);
        var result = row["result"]!.AsArray();
        Assert.Equal(2, result.Count);
        Assert.Equal((string)row["domain"]!, (string)result[0]!["tenant"]!);
        Assert.Equal("High", (string)result[0]!["severity"]!);
        Assert.Equal(3, (int)result[0]!["count"]!);
        Assert.Null(result[0]!["seen"]);
        Assert.Equal("2026-01-02T03:04:05+00:00", (string)result[1]!["seen"]!);
    }

    [Fact]
    public async Task A_returned_graph_model_is_written_as_graph_writes_it()
    {
        var row = await RunOneAsync("""
            var organization = await Graph.Organization.GetAsync(cancellationToken: CancellationToken);
            return organization!.Value![0];
            """);

        Assert.Equal("Succeeded", (string)row["status"]!);
        Assert.Equal((string)row["tenantId"]!, (string)row["result"]!["id"]!);
    }

    [Fact]
    public async Task A_result_that_cannot_be_json_fails_the_tenant_with_a_clear_error()
    {
        var row = await RunOneAsync("return new { name = Tenant.Domain, handler = typeof(string) };");

        Assert.Equal("Failed", (string)row["status"]!);
        Assert.Equal("The script's result has a System.Type at $.handler, which cannot be turned into JSON. Return plain values, records, anonymous objects, or lists and dictionaries of them.", (string)row["error"]!);
    }

    [Fact]
    public async Task A_property_that_throws_while_the_result_is_written_names_the_property()
    {
        var row = await RunOneAsync("""
            class Lazy { public int Count => throw new InvalidOperationException("not loaded"); }
            return new { item = new Lazy() };
            """);

        Assert.Equal("Failed", (string)row["status"]!);
        Assert.Equal("Reading $.item.Count of the script's result failed: InvalidOperationException: not loaded", (string)row["error"]!);
    }

    private async Task<JsonNode> RunOneAsync(string script)
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("jobs/result.csx", script);
        var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");
        var result = await workspace.RunAsync("run", "jobs/result.csx", "--tenant", customer.Domain, "--output", "json");
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        return JsonNode.Parse(result.Output)!["tenants"]![0]!;
    }
}

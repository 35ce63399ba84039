using System.Text;
using System.Text.Json.Nodes;
using Runner.Cli.Rendering;
using Runner.Execution;
using Runner.History;
using Runner.Tenants;

namespace Runner.Tests.Cli;

public sealed class RunOutcomeJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Write_ManyTenants_GoesOutInBoundedPiecesThatMakeOneDocument()
    {
        var tenants = Enumerable.Range(0, 500).Select(i => new TenantOutcome(
            new CustomerTenant { Id = Guid.NewGuid(), Domain = $"t{i}.example", CompanyName = $"Café {i} \"quoted\"" },
            i % 7 == 0 ? TenantStatus.Failed : TenantStatus.Succeeded, T0, TimeSpan.FromMilliseconds(i), i % 7 == 0 ? null : new JsonObject
            {
                ["users"] = new JsonArray([.. Enumerable.Range(0, 20).Select(u => (JsonNode)$"user{u}@t{i}.example 😀")]),
                ["count"] = i,
            }, i % 7 == 0 ? "Graph said 403 (line 3)" : null, [])).ToList();
        var run = new RunOutcome("r-1", "users", "jobs/users.csx", T0, T0.AddSeconds(5), RunStatus.Failed, tenants);
        var output = new RecordingWriter();

        RunOutcomeJson.Write(run, tenants, output);

        // Each piece holds a few tenants, not the document: 500 tenants × ~1 kB came in many writes of ≤ 64 kB.
        Assert.True(output.Writes.Count > 5, $"{output.Writes.Count} writes");
        Assert.All(output.Writes, w => Assert.True(w <= 64 * 1024, $"a write of {w} chars"));
        var document = JsonNode.Parse(output.ToString())!;
        Assert.Equal("r-1", (string)document["runId"]!);
        Assert.Equal(500, (int)document["summary"]!["tenants"]!);
        Assert.Equal(72, (int)document["summary"]!["failed"]!);
        var written = document["tenants"]!.AsArray();
        Assert.Equal(500, written.Count);
        Assert.Equal("Café 3 \"quoted\"", (string)written[3]!["companyName"]!);
        Assert.Equal("user19@t3.example 😀", (string)written[3]!["result"]!["users"]![19]!);
        Assert.Null(written[7]!["result"]);
        Assert.Equal("Graph said 403 (line 3)", (string)written[7]!["error"]!);
        Assert.Null(written[8]!["error"]);
        Assert.Empty(written[8]!["writes"]!.AsArray());
        // Indented, as it always was, and ends with a line break.
        Assert.StartsWith("{" + Environment.NewLine + "  \"runId\": \"r-1\"", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("}" + Environment.NewLine, output.ToString(), StringComparison.Ordinal);
    }

    private sealed class RecordingWriter : StringWriter
    {
        public List<int> Writes { get; } = [];

        public override void Write(string? value)
        {
            Writes.Add(value?.Length ?? 0);
            base.Write(value);
        }
    }
}

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Telemetry;

/// <summary>
/// A run is one trace — run → tenant → script → each HTTP call to Graph, ARM, Partner Center and the token endpoint,
/// with the API, status and try as attributes and never a token — and the meters count it (OpenTelemetry SDK with the
/// in-memory exporter, listening to this process).
/// </summary>
public sealed class TraceTests(TokenRecordingSandbox sandbox) : IClassFixture<TokenRecordingSandbox>
{
    [Fact]
    public async Task A_run_is_one_trace_down_to_each_http_call_and_is_counted_without_any_token()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        long runs, tenants;
        bool requests;
        using (var traces = Sdk.CreateTracerProviderBuilder().AddSource("Runner").AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddMeter("Runner").AddInMemoryExporter(metrics).Build())
        {
            using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
            workspace.CopyJob("hello.csx");
            File.Move(workspace.Path("jobs/hello.csx"), workspace.Path("jobs/trace-probe.csx"));
            var customer = sandbox.Host.Customers.First(c => c.GdapStatus == "active");

            var result = await workspace.RunAsync("run", "jobs/trace-probe.csx", "--tenant", customer.Domain, "--output", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            traces.ForceFlush();
            meters.ForceFlush();
            // Read while the provider lives: the exporter's metric points are reused after it is disposed.
            runs = Sum(metrics, "runner.runs", "trace-probe");
            tenants = Sum(metrics, "runner.tenants", "trace-probe");
            requests = metrics.Any(m => m.Name == "runner.api.requests");
        }

        // Other tests run in this process at the same time: only this run's trace counts.
        var run = Assert.Single(spans, s => s.DisplayName == "run trace-probe");
        var trace = spans.Where(s => s.TraceId == run.TraceId).ToList();
        var tenant = Assert.Single(trace, s => s.DisplayName.StartsWith("tenant ", StringComparison.Ordinal));
        Assert.Equal(run.SpanId, tenant.ParentSpanId);
        var script = Assert.Single(trace, s => s.DisplayName == "script");
        Assert.Equal(tenant.SpanId, script.ParentSpanId);
        var calls = trace.Where(s => s.Kind == ActivityKind.Client).ToList();
        Assert.Contains(calls, c => (string?)c.GetTagItem("runner.api") == "graph" && c.GetTagItem("http.response.status_code") is 200);
        Assert.Contains(calls, c => (string?)c.GetTagItem("runner.api") == "arm");
        Assert.Contains(calls, c => (string?)c.GetTagItem("runner.api") == "partnerCenter");
        Assert.All(calls, c => Assert.NotNull(c.GetTagItem("runner.try")));
        var everyTag = string.Join("\n", trace.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")));
        var tokens = sandbox.Host.IssuedTokens.ToList();
        Assert.NotEmpty(tokens);
        Assert.All(tokens, t => Assert.DoesNotContain(t, everyTag, StringComparison.Ordinal));

        Assert.Equal(1, runs);
        Assert.Equal(1, tenants);
        Assert.True(requests);
    }

    private static long Sum(List<Metric> metrics, string name, string job) =>
        metrics.Where(m => m.Name == name).SelectMany(Points).Where(p => Tag(p, "job") == job).Sum(p => p.GetSumLong());

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            yield return point;
        }
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}

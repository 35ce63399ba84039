using Runner.Tests.Infrastructure;

namespace Runner.Tests.Telemetry;

/// <summary>
/// telemetry: otlp exports every process: a scheduled fire is one trace across the host and its worker process —
/// the worker's spans are children of the host's fire span, down to the HTTP calls — as an OTLP collector sees it.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_scheduled_fire_is_one_trace_across_the_host_and_its_worker()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        using var workspace = new Workspace().WithBuiltInSandbox($$"""
            scheduler: { warmWorkers: 0 }
            telemetry: { otlp: "{{collector.Endpoint}}", protocol: http, serviceName: runner-test }
            jobs:
              traced-fire: { script: jobs/hello.csx, tenants: [contoso.onmicrosoft.com] }
            """);
        workspace.CopyJob("hello.csx");
        using var stop = new CancellationTokenSource();
        var host = Task.Run(() => workspace.RunAsync(stop.Token, "host"));
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var trigger = await workspace.RunAsync(limit.Token, "trigger", "traced-fire", "--wait");
            Assert.True(trigger.ExitCode == 0, trigger.ToString());

            Tuple<ReceivedSpan, ReceivedSpan> pair;
            try
            {
            pair = await Eventually.GetAsync(() =>
            {
                var spans = collector.Spans.ToList();
                var fireSpan = spans.FirstOrDefault(s => s.Name == "fire traced-fire");
                var runSpan = spans.FirstOrDefault(s => s.Name == "run traced-fire" && s.TraceId == fireSpan?.TraceId);
                return Task.FromResult(fireSpan is not null && runSpan is not null ? Tuple.Create(fireSpan, runSpan) : null);
            }, TimeSpan.FromSeconds(60), "the host's fire span and the worker's run span in one trace");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message} Received: {string.Join(", ", collector.Spans.Select(s => $"{s.Name}[{s.TraceId[..6]}]"))}; metric exports {collector.MetricExports}", e);
            }
            var (fire, run) = (pair.Item1, pair.Item2);

            var trace = collector.Spans.Where(s => s.TraceId == fire.TraceId).ToList();
            var worker = Assert.Single(trace, s => s.Name == "worker traced-fire");
            Assert.Equal(fire.SpanId, worker.ParentSpanId);
            Assert.Equal(worker.SpanId, run.ParentSpanId);
            Assert.Contains(trace, s => s.Name.StartsWith("tenant contoso", StringComparison.Ordinal));
            Assert.Contains(trace, s => s.Name == "GET graph");
            // The host's log lines ("Run ... started") and metrics go to the collector too.
            await Eventually.TrueAsync(() => Task.FromResult(collector.LogExports > 0 && collector.MetricExports > 0), TimeSpan.FromSeconds(30), "logs and metrics exported");
        }
        finally
        {
            await stop.CancelAsync();
            await host.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Runner.Configuration;
using Runner.Telemetry;

namespace Runner.Cli.Composition;

/// <summary>
/// Exports Runner's traces and metrics over OTLP when runner.yaml has `telemetry: { otlp: URL }`: every process
/// (CLI runs, the host, each worker) exports its own part; a fire's spans join into one trace by the traceparent the
/// host hands its worker.
/// </summary>
internal static class TelemetrySetup
{
    public static IDisposable? Start(RunnerConfig config)
    {
        if (config.Telemetry.OtlpEndpoint is not { } endpoint)
        {
            return null;
        }

        var resource = ResourceBuilder.CreateDefault().AddService(config.Telemetry.ServiceName, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}");
        var http = config.Telemetry.Protocol == "http";
        Action<OtlpExporterOptions> Otlp(string signal) => o =>
        {
            // OTLP/HTTP posts each signal to its own path; an endpoint given in code is used as it is, so add it.
            o.Endpoint = http && endpoint.AbsolutePath == "/" ? new Uri(endpoint, signal) : endpoint;
            o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        };

        var traces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(RunnerTelemetry.Name).AddOtlpExporter(Otlp("v1/traces")).Build();
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(RunnerTelemetry.Name).AddOtlpExporter(Otlp("v1/metrics")).Build();
        return new Both(traces, metrics);
    }

    private sealed class Both(TracerProvider? traces, MeterProvider? metrics) : IDisposable
    {
        public void Dispose()
        {
            // Flushes what is buffered before the process ends.
            traces?.Dispose();
            metrics?.Dispose();
        }
    }
}

using OpenTelemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
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
    /// <summary>Starts export; <paramref name="logging"/> (the process's logger factory) also sends its logs over OTLP.</summary>
    public static Handle? Start(RunnerConfig config, Microsoft.Extensions.Logging.ILoggerFactory? logging = null)
    {
        return config.Telemetry.OtlpEndpoint is { } endpoint ? Export(config, endpoint, logging) : null;
    }

    /// <summary>Every OpenTelemetry type is behind this method, so a process without `telemetry:` never loads the SDK
    /// (its assemblies cost start-up time on every `runner run`).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static Handle Export(RunnerConfig config, Uri endpoint, Microsoft.Extensions.Logging.ILoggerFactory? logging)
    {
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
        var logs = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.AddOtlpExporter(Otlp("v1/logs"));
        }));
        var forward = new ForwardingProvider(logs);
        logging?.AddProvider(forward);
        return new Handle(traces, metrics, logs, forward);
    }

    /// <summary>The log lines a process already writes (redacted by their own provider's callers), also to OTLP.</summary>
    internal sealed class ForwardingProvider(Microsoft.Extensions.Logging.ILoggerFactory target) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }

    /// <summary>The running exporters; <see cref="LogProvider"/> sends a logger's lines to OTLP too (the host adds it to its own logging).</summary>
    internal sealed class Handle(IDisposable? traces, IDisposable? metrics, Microsoft.Extensions.Logging.ILoggerFactory logs, Microsoft.Extensions.Logging.ILoggerProvider forward) : IDisposable
    {
        public Microsoft.Extensions.Logging.ILoggerProvider LogProvider => forward;

        public void Dispose()
        {
            // Flushes what is buffered before the process ends.
            traces?.Dispose();
            metrics?.Dispose();
            logs.Dispose();
        }
    }
}

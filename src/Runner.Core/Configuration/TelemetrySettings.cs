namespace Runner.Configuration;

/// <summary>runner.yaml `telemetry:`: where traces and metrics go (OTLP), under which service name.</summary>
/// <param name="OtlpEndpoint">An OTLP collector, e.g. http://otel-collector:4317; null: no export (the console's /metrics still serves Prometheus).</param>
/// <param name="Protocol">grpc (default) or http (OTLP over HTTP/protobuf).</param>
internal sealed record TelemetrySettings(Uri? OtlpEndpoint, string Protocol, string ServiceName)
{
    public static TelemetrySettings None { get; } = new(null, "grpc", "runner");

    public static TelemetrySettings Read(ConfigNode? node)
    {
        if (node is null)
        {
            return None;
        }

        var map = node.Map("otlp", "protocol", "serviceName");
        return new TelemetrySettings(
            map["otlp"]?.AbsoluteUri(),
            map["protocol"]?.Enum(("grpc", "grpc"), ("http", "http")) ?? "grpc",
            map["serviceName"]?.String() ?? "runner");
    }
}

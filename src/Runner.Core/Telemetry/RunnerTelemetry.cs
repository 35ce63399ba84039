using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Runner.Telemetry;

/// <summary>
/// Runner's traces and metrics, as System.Diagnostics sources any OpenTelemetry SDK (or dotnet-counters) can
/// listen to: a run is a trace (run → tenant → script → each HTTP call), and the meters count what operators
/// alert on. Nothing here ever carries a token, a secret or a query string's secret values.
/// </summary>
internal static class RunnerTelemetry
{
    public const string Name = "Runner";

    public static readonly ActivitySource Source = new(Name, "1.0");

    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Runs by job and status.</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("runner.runs", description: "Runs that ended, by job and status.");

    /// <summary>Tenant outcomes by job and status.</summary>
    public static readonly Counter<long> Tenants = Meter.CreateCounter<long>("runner.tenants", description: "Tenant outcomes, by job and status.");

    public static readonly Histogram<double> TenantDuration = Meter.CreateHistogram<double>("runner.tenant.duration", "s", "How long one tenant's script took.");

    /// <summary>API requests by API (graph, arm, partnerCenter, token, other) and status code.</summary>
    public static readonly Counter<long> ApiRequests = Meter.CreateCounter<long>("runner.api.requests", description: "HTTP requests to Microsoft's APIs, by API and status code.");

    public static readonly Counter<long> ApiThrottled = Meter.CreateCounter<long>("runner.api.throttled", description: "429 answers, by API.");

    public static readonly Counter<long> ApiRetries = Meter.CreateCounter<long>("runner.api.retries", description: "Requests that were a retry of an earlier one, by API.");

    public static readonly Counter<long> TokenRequests = Meter.CreateCounter<long>("runner.token.requests", description: "Requests to Entra's token endpoint, by status code.");

    public static readonly Histogram<double> FireStartLatency = Meter.CreateHistogram<double>("runner.fire.start_latency", "s", "From a fire's scheduled time to its worker starting the run.");

    private static long _credentialDaysLeft = -1;
    private static long _gdapEnding = -1;

    static RunnerTelemetry()
    {
        Meter.CreateObservableGauge("runner.credential.days_left", () => Observe(_credentialDaysLeft), "d", "Days before the partner refresh token expires unused.");
        Meter.CreateObservableGauge("runner.gdap.ending", () => Observe(_gdapEnding), description: "GDAP relationships in force that end within 30 days.");
    }

    public static void CredentialDaysLeft(int days) => Interlocked.Exchange(ref _credentialDaysLeft, days);

    public static void GdapEnding(int count) => Interlocked.Exchange(ref _gdapEnding, count);

    /// <summary>The API an HTTP call went to, from the host's path shape (as the sandbox classifies it) and well-known hosts.</summary>
    public static string Api(Uri? uri)
    {
        if (uri is null)
        {
            return "other";
        }

        var host = uri.Host;
        var path = uri.AbsolutePath;
        return path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) ? "token"
            : host.StartsWith("graph.", StringComparison.OrdinalIgnoreCase) || host.Contains("graph.microsoft", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/v1.0/", StringComparison.Ordinal) || path.StartsWith("/beta/", StringComparison.Ordinal) ? "graph"
            : host.StartsWith("management.", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/subscriptions", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/providers", StringComparison.OrdinalIgnoreCase) ? "arm"
            : host.Contains("partnercenter", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/v1/", StringComparison.Ordinal) ? "partnerCenter"
            : "other";
    }

    private static IEnumerable<Measurement<long>> Observe(long value) => value < 0 ? [] : [new Measurement<long>(value)];
}

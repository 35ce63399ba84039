using System.Text.RegularExpressions;

namespace Runner.Clients.Http;

/// <summary>
/// Sits under every SDK's retries, next to the wire: notes each answer of 400 or more (and each call that got no
/// answer) in the tenant's <see cref="RetryLedger"/>, so a failed tenant can say, with --verbose, which call failed:
/// method, URL (secrets in the query masked), status, request id, and how many tries it had.
/// </summary>
internal sealed partial class FailedCallRecorder : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var ledger = RetryLedger.Current;
        var call = $"{request.Method} {Printable(request.RequestUri)}";
        var attempt = ledger?.Attempt(call) ?? 1;
        var api = Telemetry.RunnerTelemetry.Api(request.RequestUri);
        // One span per HTTP call (each retry its own), under the tenant's span; the URL without secret query values.
        using var activity = Telemetry.RunnerTelemetry.Source.StartActivity($"{request.Method} {api}", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("http.request.method", request.Method.Method);
        activity?.SetTag("url.full", call[(request.Method.Method.Length + 1)..]);
        activity?.SetTag("runner.api", api);
        activity?.SetTag("runner.try", attempt);
        if (attempt > 1)
        {
            Telemetry.RunnerTelemetry.ApiRetries.Add(1, new KeyValuePair<string, object?>("api", api));
        }

        if (ledger is null)
        {
            var plain = await base.SendAsync(request, cancellationToken);
            Count(activity, api, plain);
            return plain;
        }

        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Count(activity, api, response);
            if ((int)response.StatusCode >= 400)
            {
                var id = Writes.RequestIds.Headers.Select(h => response.Headers.TryGetValues(h, out var values) ? $"{h} {values.First()}" : null).FirstOrDefault(v => v is not null);
                ledger.Failed(new FailedCall(call, $"{(int)response.StatusCode} {response.ReasonPhrase}", id, attempt));
            }

            return response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            ledger.Failed(new FailedCall(call, $"no answer ({e.GetType().Name}: {e.Message})", null, attempt));
            throw;
        }
    }

    private static void Count(System.Diagnostics.Activity? activity, string api, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        activity?.SetTag("http.response.status_code", status);
        if (status >= 400)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
        }

        Telemetry.RunnerTelemetry.ApiRequests.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("status", status));
        if (status == 429)
        {
            Telemetry.RunnerTelemetry.ApiThrottled.Add(1, new KeyValuePair<string, object?>("api", api));
        }
    }

    /// <summary>The URL with the values of secret-looking query parameters (sig, code, token, key, secret, password) masked.</summary>
    internal static string Printable(Uri? uri)
    {
        if (uri is null)
        {
            return "";
        }

        var text = uri.GetLeftPart(UriPartial.Path);
        return uri.Query.Length > 1 ? text + SecretQueryValue().Replace(uri.Query, m => $"{m.Groups["name"].Value}=***") : text;
    }

    [GeneratedRegex(@"(?<name>[?&][^=&]*(sig|code|token|key|secret|password|assertion)[^=&]*)=[^&]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQueryValue();
}

/// <summary>A call that failed: "GET https://...", "403 Forbidden", its request id, and which try it was (1 = first).</summary>
internal sealed record FailedCall(string Call, string Answer, string? RequestId, int Try)
{
    public override string ToString() =>
        $"{Call} → {Answer}{(RequestId is null ? "" : $", {RequestId}")}, try {Try} ({Try - 1} {(Try == 2 ? "retry" : "retries")})";
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Hosting;

/// <summary>Counts every request, then applies the injected faults before the endpoint sees it.</summary>
internal sealed class FaultMiddleware(SandboxContext context)
{
    public async Task Invoke(HttpContext http, RequestDelegate next)
    {
        var api = ApiClassifier.Api(http.Request.Path);
        if (api is null)
        {
            await next(http);
            return;
        }

        var tenant = ApiClassifier.Tenant(http, api);
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        context.Counters.Increment(api, tenant, route is null ? null : $"{http.Request.Method} {(route.StartsWith('/') ? route : "/" + route)}");
        context.Requests.Begin(api);
        try
        {
            await ApplyAsync(http, next, api, tenant);
        }
        finally
        {
            context.Requests.End(api);
            var headers = http.Request.Headers;
            context.Requests.Add(new SandboxRequest(
                context.Clock.GetUtcNow(), api, http.Request.Method, http.Request.Path.Value ?? "", tenant, http.Response.StatusCode,
                Header(headers, "MS-RequestId"), Header(headers, "MS-CorrelationId"),
                Header(headers, "x-ms-client-request-id") ?? Header(headers, "client-request-id")));
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    private async Task ApplyAsync(HttpContext http, RequestDelegate next, string api, string? tenant)
    {
        var faults = context.Faults;
        var configured = faults.TryGet(api, out var apiFaults);
        if (configured && apiFaults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(apiFaults.Latency, http.RequestAborted);
        }

        if (tenant is not null && SlowTenantDelay(tenant) is { } slow)
        {
            await Task.Delay(slow, http.RequestAborted);
        }

        if (api == "token" && faults.TokenOutage)
        {
            await EntraError.ServiceUnavailable().ToResult(http, context.Clock.GetUtcNow()).ExecuteAsync(http);
            return;
        }

        if (tenant is not null && IsFailing(tenant))
        {
            await http.WriteJson(ErrorBody(api, "InternalServerError", $"The sandbox is set to fail every request for tenant '{tenant}'."), 500);
            return;
        }

        if (configured && apiFaults.ThrottleRate > 0 && Random.Shared.NextDouble() < apiFaults.ThrottleRate)
        {
            var seconds = apiFaults.RetryAfterSeconds;
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var body = api == "partnerCenter"
                ? new JsonObject { ["statusCode"] = 429, ["message"] = $"Rate limit is exceeded. Try again in {seconds} seconds." }
                : ErrorBody(api, "TooManyRequests", $"Too many requests. Retry after {seconds} seconds.");
            await http.WriteJson(body, 429);
            return;
        }

        if (configured && apiFaults.ErrorRate > 0 && Random.Shared.NextDouble() < apiFaults.ErrorRate)
        {
            await http.WriteJson(ErrorBody(api, "ServiceUnavailable", "The service is temporarily unavailable."), 503);
            return;
        }

        await next(http);
    }

    private TimeSpan? SlowTenantDelay(string tenant)
    {
        var slow = context.Faults.SlowTenants;
        if (slow.IsEmpty)
        {
            return null;
        }

        if (slow.TryGetValue(tenant, out var delay))
        {
            return delay;
        }

        var found = context.Directory.FindTenant(tenant);
        return found is not null && (slow.TryGetValue(found.Id.ToString(), out delay) || slow.TryGetValue(found.Domain, out delay)) ? delay : null;
    }

    private bool IsFailing(string tenant)
    {
        if (context.Faults.FailingTenants.IsEmpty)
        {
            return false;
        }

        if (context.Faults.FailingTenants.ContainsKey(tenant))
        {
            return true;
        }

        // The set may name a tenant by domain while the request names it by id, or the other way round.
        var found = context.Directory.FindTenant(tenant);
        return found is not null && (context.Faults.FailingTenants.ContainsKey(found.Id.ToString()) || context.Faults.FailingTenants.ContainsKey(found.Domain));
    }

    private static JsonObject ErrorBody(string api, string code, string message) => api switch
    {
        "token" => new JsonObject { ["error"] = "temporarily_unavailable", ["error_description"] = message },
        "partnerCenter" => new JsonObject { ["code"] = code, ["description"] = message, ["data"] = new JsonArray(), ["source"] = "PartnerFD" },
        _ => new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } },
    };
}

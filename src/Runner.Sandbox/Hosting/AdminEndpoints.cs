using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// /_sandbox: read counters, inject faults, advance the clock, revoke sessions. The sandbox listens on loopback
/// only, so this is reachable from the machine alone, and it refuses requests that did not arrive on loopback.
/// </summary>
internal sealed class AdminEndpoints(SandboxContext context)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_sandbox/counters", (RequestDelegate)(http => Guard(http, () => Counters(http))));
        routes.MapPost("/_sandbox/counters/reset", (RequestDelegate)(http => Guard(http, () =>
        {
            context.Counters.Reset();
            return Ok(http);
        })));
        routes.MapGet("/_sandbox/faults", (RequestDelegate)(http => Guard(http, () => http.WriteJson(FaultsJson()))));
        routes.MapPost("/_sandbox/faults", (RequestDelegate)(http => Guard(http, () => SetFaults(http))));
        routes.MapPost("/_sandbox/clock/advance", (RequestDelegate)(http => Guard(http, () => Advance(http))));
        routes.MapGet("/_sandbox/clock", (RequestDelegate)(http => Guard(http, () => http.WriteJson(Clock()))));
        routes.MapPost("/_sandbox/users/{id}/revoke", (RequestDelegate)(http => Guard(http, () => Revoke(http))));
        routes.MapGet("/_sandbox/info", (RequestDelegate)(http => Guard(http, () => http.WriteJson(Info()))));
    }

    private static Task Guard(HttpContext http, Func<Task> action)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is not null && !System.Net.IPAddress.IsLoopback(remote))
        {
            http.Response.StatusCode = 403;
            return Task.CompletedTask;
        }

        return action();
    }

    private Task Counters(HttpContext http)
    {
        var json = new JsonObject();
        foreach (var (key, value) in context.Counters.Snapshot())
        {
            json[key] = value;
        }

        return http.WriteJson(json);
    }

    /// <summary>Body: { "latencyMs": {"graph": 20}, "throttleRate": {"partnerCenter": 0.5}, "retryAfterSeconds": {..},
    /// "errorRate": {..}, "failingTenants": ["contoso.onmicrosoft.com"], "slowTenantsMs": {"fabrikam.onmicrosoft.com": 5000},
    /// "tokenOutage": false, "clear": true }.</summary>
    private async Task SetFaults(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? [];
        var faults = context.Faults;
        if (body["clear"]?.GetValue<bool>() == true)
        {
            faults.Clear();
        }

        Apply(body["latencyMs"], (f, v) => f.Latency = TimeSpan.FromMilliseconds(v));
        Apply(body["throttleRate"], (f, v) => f.ThrottleRate = v);
        Apply(body["retryAfterSeconds"], (f, v) => f.RetryAfterSeconds = (int)v);
        Apply(body["errorRate"], (f, v) => f.ErrorRate = v);
        if (body["failingTenants"] is JsonArray tenants)
        {
            faults.FailingTenants.Clear();
            foreach (var t in tenants)
            {
                faults.FailingTenants[(string)t!] = true;
            }
        }

        if (body["slowTenantsMs"] is JsonObject slow)
        {
            faults.SlowTenants.Clear();
            foreach (var (tenant, ms) in slow)
            {
                faults.SlowTenants[tenant] = TimeSpan.FromMilliseconds(ms!.GetValue<double>());
            }
        }

        if (body["tokenOutage"] is JsonValue outage)
        {
            faults.TokenOutage = outage.GetValue<bool>();
        }

        await http.WriteJson(FaultsJson());

        void Apply(JsonNode? node, Action<ApiFaults, double> set)
        {
            if (node is not JsonObject perApi)
            {
                return;
            }

            foreach (var (api, value) in perApi)
            {
                var targets = api == "*" ? SandboxFaults.ApiNames : [api];
                foreach (var target in targets)
                {
                    set(faults.For(target), value!.GetValue<double>());
                }
            }
        }
    }

    private JsonObject FaultsJson()
    {
        var apis = new JsonObject();
        foreach (var name in SandboxFaults.ApiNames)
        {
            if (context.Faults.TryGet(name, out var f))
            {
                apis[name] = new JsonObject
                {
                    ["latencyMs"] = f.Latency.TotalMilliseconds,
                    ["throttleRate"] = f.ThrottleRate,
                    ["retryAfterSeconds"] = f.RetryAfterSeconds,
                    ["errorRate"] = f.ErrorRate,
                };
            }
        }

        return new JsonObject
        {
            ["apis"] = apis,
            ["failingTenants"] = new JsonArray(context.Faults.FailingTenants.Keys.Select(k => (JsonNode)k).ToArray()),
            ["slowTenantsMs"] = new JsonObject(context.Faults.SlowTenants.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.TotalMilliseconds))),
            ["tokenOutage"] = context.Faults.TokenOutage,
        };
    }

    /// <summary>Body: { "days": 91 } or { "hours": 2 } or { "seconds": 30 }.</summary>
    private async Task Advance(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? [];
        var span = TimeSpan.FromDays(body["days"]?.GetValue<double>() ?? 0)
                   + TimeSpan.FromHours(body["hours"]?.GetValue<double>() ?? 0)
                   + TimeSpan.FromSeconds(body["seconds"]?.GetValue<double>() ?? 0);
        context.Clock.Advance(span);
        await http.WriteJson(Clock());
    }

    private JsonObject Clock() => new()
    {
        ["now"] = context.Clock.GetUtcNow().UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["offsetSeconds"] = context.Clock.Offset.TotalSeconds,
    };

    /// <summary>Revokes every token issued to a user before now, as a password reset does.</summary>
    private Task Revoke(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        var admin = context.Directory.PartnerAdmin;
        if (!string.Equals(id, admin.Id.ToString(), StringComparison.OrdinalIgnoreCase) && !string.Equals(id, admin.UserPrincipalName, StringComparison.OrdinalIgnoreCase))
        {
            http.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        context.Identity.TokensValidFrom[admin.Id] = context.Clock.GetUtcNow();
        return Ok(http);
    }

    private JsonObject Info() => new()
    {
        ["baseUrl"] = context.BaseUri.AbsoluteUri,
        ["partnerTenantId"] = context.Directory.Partner.Id.ToString(),
        ["partnerDomain"] = context.Directory.Partner.Domain,
        ["clientId"] = context.Directory.Application.ClientId.ToString(),
        ["adminUser"] = context.Directory.PartnerAdmin.UserPrincipalName,
        ["customers"] = context.Directory.Customers.Count,
    };

    private static Task Ok(HttpContext http) => http.WriteJson(new JsonObject { ["ok"] = true });
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// /_sandbox: read counters, inject faults, advance the clock, revoke sessions, and hand out a refresh token as if
/// consent had happened. The sandbox listens on loopback only, and these endpoints also refuse any request that did
/// not arrive on loopback.
/// </summary>
internal sealed class AdminEndpoints(SandboxContext context)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_sandbox/counters", (RequestDelegate)(http => Guard(http, () => http.WriteJson(Counters()))));
        routes.MapPost("/_sandbox/counters/reset", (RequestDelegate)(http => Guard(http, () =>
        {
            context.Counters.Reset();
            return Ok(http);
        })));
        routes.MapGet("/_sandbox/faults", (RequestDelegate)(http => Guard(http, () => http.WriteJson(AdminFaults.ToJson(context.Faults)))));
        routes.MapPost("/_sandbox/faults", (RequestDelegate)(http => Guard(http, () => SetFaults(http))));
        routes.MapDelete("/_sandbox/faults", (RequestDelegate)(http => Guard(http, () =>
        {
            context.Faults.Clear();
            return http.WriteJson(AdminFaults.ToJson(context.Faults));
        })));
        routes.MapPost("/_sandbox/clock/advance", (RequestDelegate)(http => Guard(http, () => Advance(http))));
        routes.MapGet("/_sandbox/clock", (RequestDelegate)(http => Guard(http, () => http.WriteJson(Clock()))));
        routes.MapPost("/_sandbox/users/{id}/revoke", (RequestDelegate)(http => Guard(http, () => Revoke(http))));
        routes.MapPost("/_sandbox/consent", (RequestDelegate)(http => Guard(http, () => Consent(http))));
        routes.MapGet("/_sandbox/info", (RequestDelegate)(http => Guard(http, () => http.WriteJson(Info()))));
    }

    private static async Task Guard(HttpContext http, Func<Task> action)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is not null && !System.Net.IPAddress.IsLoopback(remote))
        {
            await http.WriteJson(new JsonObject { ["error"] = "The sandbox admin endpoints answer loopback callers only." }, 403);
            return;
        }

        try
        {
            await action();
        }
        catch (FormatException e)
        {
            await http.WriteJson(new JsonObject { ["error"] = e.Message }, 400);
        }
    }

    private JsonObject Counters()
    {
        var counters = context.Counters;
        var tenants = new JsonObject();
        foreach (var (tenant, apis) in counters.Tenants)
        {
            var name = context.Directory.FindTenant(tenant)?.Domain;
            var perApi = new JsonObject(apis.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
            if (name is not null)
            {
                perApi["domain"] = name;
            }

            tenants[tenant] = perApi;
        }

        return new JsonObject
        {
            ["apis"] = new JsonObject(counters.Apis.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["tenants"] = tenants,
            ["endpoints"] = new JsonObject(counters.Endpoints.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
    }

    private async Task SetFaults(HttpContext http)
    {
        AdminFaults.Apply(await AdminFaults.ReadBody(http.Request.Body, http.RequestAborted), context.Faults);
        await http.WriteJson(AdminFaults.ToJson(context.Faults));
    }

    /// <summary>Body: { "days": 91 } or { "hours": 2 } or { "seconds": 30 }, or several of them added up.</summary>
    private async Task Advance(HttpContext http)
    {
        var body = await AdminFaults.ReadBody(http.Request.Body, http.RequestAborted);
        var span = TimeSpan.Zero;
        foreach (var (key, value) in body)
        {
            if (value is not JsonValue v || !v.TryGetValue<double>(out var amount) || Math.Abs(amount) > 36500)
            {
                throw new FormatException($"{key} must be a number");
            }

            span += key switch
            {
                "days" => TimeSpan.FromDays(amount),
                "hours" => TimeSpan.FromHours(amount),
                "minutes" => TimeSpan.FromMinutes(amount),
                "seconds" => TimeSpan.FromSeconds(amount),
                _ => throw new FormatException($"unknown key '{key}'; expected days, hours, minutes or seconds"),
            };
        }

        context.Clock.Advance(span);
        await http.WriteJson(Clock());
    }

    private JsonObject Clock() => new()
    {
        ["now"] = context.Clock.GetUtcNow().UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["offsetSeconds"] = context.Clock.Offset.TotalSeconds,
    };

    /// <summary>Revokes every token issued to a user before now, as a password reset does.</summary>
    private async Task Revoke(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        var admin = context.Directory.PartnerAdmin;
        if (!string.Equals(id, admin.Id.ToString(), StringComparison.OrdinalIgnoreCase) && !string.Equals(id, admin.UserPrincipalName, StringComparison.OrdinalIgnoreCase))
        {
            await http.WriteJson(new JsonObject { ["error"] = $"Only the partner admin ({admin.UserPrincipalName}) signs in; no user '{id}'." }, 404);
            return;
        }

        context.Identity.TokensValidFrom[admin.Id] = context.Clock.GetUtcNow();
        await Ok(http);
    }

    /// <summary>
    /// A refresh token for the partner admin, as if the admin had just consented (with MFA unless {"mfa": false}),
    /// so another process (a benchmark, a second runner) can seed its secret store without a browser.
    /// </summary>
    private async Task Consent(HttpContext http)
    {
        var body = await AdminFaults.ReadBody(http.Request.Body, http.RequestAborted);
        var mfa = body["mfa"] is not JsonValue v || (v.TryGetValue<bool>(out var b) ? b : throw new FormatException("mfa must be true or false"));
        var directory = context.Directory;
        var refreshToken = context.Issuer.RefreshToken(directory.PartnerAdmin, directory.Application, mfa);
        http.Response.Headers.CacheControl = "no-store";
        await http.WriteJson(new JsonObject
        {
            ["refresh_token"] = refreshToken,
            ["username"] = directory.PartnerAdmin.UserPrincipalName,
            ["tenant_id"] = directory.Partner.Id.ToString(),
            ["client_id"] = directory.Application.ClientId.ToString(),
            ["mfa"] = mfa,
            ["issued_at"] = context.Clock.GetUtcNow().UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        });
    }

    private JsonObject Info()
    {
        var url = context.BaseUri.AbsoluteUri;
        return new JsonObject
        {
            ["baseUrl"] = url,
            ["caFile"] = context.CaCertificatePath,
            ["endpoints"] = new JsonObject
            {
                ["login"] = url,
                ["partnerCenter"] = $"{url}v1/",
                ["resourceManager"] = url,
                ["graph"] = $"{url}v1.0/",
                ["keyVault"] = url,
                ["admin"] = $"{url}_sandbox/",
            },
            ["partnerTenantId"] = context.Directory.Partner.Id.ToString(),
            ["partnerDomain"] = context.Directory.Partner.Domain,
            ["clientId"] = context.Directory.Application.ClientId.ToString(),
            ["adminUser"] = context.Directory.PartnerAdmin.UserPrincipalName,
            ["customers"] = context.Directory.Customers.Count,
            ["seed"] = context.Options.Seed,
        };
    }

    private static Task Ok(HttpContext http) => http.WriteJson(new JsonObject { ["ok"] = true });
}

using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Appends what a write through the sandbox's Graph did to the tenant's directory audit log, as Entra logs it
/// ("Microsoft Entra audit log categories and activities" names the activities): who did it, from which address, what
/// it was done to and which properties changed. A partner's admin agent is logged as the partner's user with the
/// partner as home tenant; an app-only caller as the app's service principal. Call after the change succeeded.
/// </summary>
internal static class DirectoryAudits
{
    public static void Record(SandboxContext context, HttpContext http, ApiCaller caller, string activity, string category, string operation, params AuditTarget[] targets) =>
        Record(context, http, caller, activity, category, operation, "Core Directory", targets);

    public static void Record(SandboxContext context, HttpContext http, ApiCaller caller, string activity, string category, string operation, string service, params AuditTarget[] targets)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var app = context.Directory.Application;
        var by = caller.User is { } user
            ? AuditInitiator.User(user, ip, user.TenantId == caller.Tenant.Id ? null : context.Directory.FindTenant(user.TenantId))
            : AuditInitiator.App(app.ServicePrincipalId(caller.Tenant.Id), caller.AppId, caller.AppId == app.ClientId ? app.DisplayName : caller.AppId.ToString());
        var now = context.Clock.GetUtcNow();
        lock (caller.Tenant.Content.Sync)
        {
            var log = caller.Tenant.Content.DirectoryAudits;
            log.Add(DirectoryAuditSeeder.New(context.Options.Seed, caller.Tenant, log.Count, now, activity, category, operation, service, by, targets));
        }
    }

    /// <summary>The properties a PATCH body set, as Entra names them in modifiedProperties (old values left out).</summary>
    public static AuditChange[] Changes(System.Text.Json.Nodes.JsonObject body) =>
        [.. body.Where(p => !p.Key.Contains('@', StringComparison.Ordinal) && p.Key != "passwordProfile")
            .Select(p => new AuditChange(char.ToUpperInvariant(p.Key[0]) + p.Key[1..], null, p.Value is null ? "[]" : $"[{p.Value.ToJsonString()}]"))];
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Deploying baselines, as MSPs do through GDAP: POST /identity/conditionalAccess/policies ("Create", 201 with the
/// policy), PATCH and DELETE /identity/conditionalAccess/policies/{id} (204), and PATCH
/// /policies/identitySecurityDefaultsEnforcementPolicy ({"isEnabled": ...}, 204). Conditional Access needs Entra ID
/// P1 in the tenant and Policy.ReadWrite.ConditionalAccess; security defaults Policy.ReadWrite.SecurityDefaults; the
/// GDAP roles are the write table's (Conditional Access, Security or Global Administrator). Security defaults and
/// enabled Conditional Access policies exclude each other, as the Entra admin center enforces: enabling one while the
/// other is on is refused 400 (the sandbox's wording). Every change is in the directory audit log.
/// </summary>
internal sealed class ConditionalAccessWritesApi(SandboxContext context, GraphApi graph)
{
    private const string Policies = "/v1.0/identity/conditionalAccess/policies";

    private static readonly string[] Write = ["Policy.ReadWrite.ConditionalAccess"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost(Policies, (RequestDelegate)Create);
        routes.MapMethods($"{Policies}/{{id}}", ["PATCH"], (RequestDelegate)Update);
        routes.MapDelete($"{Policies}/{{id}}", (RequestDelegate)Remove);
        routes.MapMethods("/v1.0/policies/identitySecurityDefaultsEnforcementPolicy", ["PATCH"], (RequestDelegate)SecurityDefaults);
    }

    private async Task Create(HttpContext http)
    {
        if (await Authorize(http) is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        var now = context.Clock.GetUtcNow();
        var blank = new ConditionalAccessPolicy(Guid.NewGuid(), "", "disabled", now, [], [], ["all"], "OR", []);
        if (!body.ContainsKey("displayName") || !body.ContainsKey("state") || !body.ContainsKey("conditions"))
        {
            await graph.Error(http, 400, "BadRequest", "displayName, state and conditions are required to create a conditional access policy.");
            return;
        }

        if (await Changed(http, caller, body, blank) is not { } policy)
        {
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            caller.Tenant.Content.Directory.Policies.Add(policy);
        }

        Audit(http, caller, "Add conditional access policy", policy);
        var json = PoliciesApi.Policy(policy);
        json["@odata.context"] = graph.Context(http, "identity/conditionalAccess/policies") + "/$entity";
        http.Response.Headers.Location = context.Url($"{Policies}/{policy.Id}");
        await http.WriteJson(json, 201);
    }

    private async Task Update(HttpContext http)
    {
        if (await Authorize(http) is not { } caller || await GraphObjects.Body(http, graph) is not { } body || await Find(http, caller) is not { } current)
        {
            return;
        }

        if (await Changed(http, caller, body, current with { ModifiedDateTime = context.Clock.GetUtcNow() }) is not { } policy)
        {
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            var list = caller.Tenant.Content.Directory.Policies;
            list[list.FindIndex(p => p.Id == policy.Id)] = policy;
        }

        Audit(http, caller, "Update conditional access policy", policy);
        await GraphObjects.NoContent(http);
    }

    private async Task Remove(HttpContext http)
    {
        if (await Authorize(http) is not { } caller || await Find(http, caller) is not { } policy)
        {
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            caller.Tenant.Content.Directory.Policies.RemoveAll(p => p.Id == policy.Id);
        }

        Audit(http, caller, "Delete conditional access policy", policy);
        await GraphObjects.NoContent(http);
    }

    private async Task SecurityDefaults(HttpContext http)
    {
        if (await graph.Authorize(http, "Policy.ReadWrite.SecurityDefaults") is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        if (body["isEnabled"] is not JsonValue value || !value.TryGetValue<bool>(out var enable) || body.Count(p => !p.Key.StartsWith('@')) != 1)
        {
            await graph.Error(http, 400, "BadRequest", "Only isEnabled (true or false) can be changed on identitySecurityDefaultsEnforcementPolicy.");
            return;
        }

        bool refused;
        lock (caller.Tenant.Content.Sync)
        {
            var directory = caller.Tenant.Content.Directory;
            refused = enable && directory.Policies.Any(p => p.State == "enabled");
            if (!refused)
            {
                directory.SecurityDefaultsEnabled = enable;
            }
        }

        if (refused)
        {
            await graph.Error(http, 400, "BadRequest", "Security defaults cannot be enabled while Conditional Access policies are enabled. Disable them first.");
            return;
        }

        graph.Audit(http, caller, "Update policy", "Policy", "Update", new AuditTarget("Policy", Guid.Empty, "Security Defaults", null,
            [new AuditChange("IsEnabled", null, enable ? "[true]" : "[false]")]));
        await GraphObjects.NoContent(http);
    }

    /// <summary>The body applied to <paramref name="current"/>, or null after answering why not.</summary>
    private async Task<ConditionalAccessPolicy?> Changed(HttpContext http, ApiCaller caller, JsonObject body, ConditionalAccessPolicy current)
    {
        var (policy, refusal) = ConditionalAccessBody.Apply(body, current);
        bool defaults;
        string? unknownLocation = null;
        lock (caller.Tenant.Content.Sync)
        {
            defaults = caller.Tenant.Content.Directory.SecurityDefaultsEnabled;
            var known = caller.Tenant.Content.Directory.NamedLocations.Select(l => l.Id.ToString()).Concat(["All", "AllTrusted"]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            unknownLocation = policy?.IncludeLocations.Concat(policy.ExcludeLocations).FirstOrDefault(l => !known.Contains(l));
        }

        refusal ??= unknownLocation is not null
            ? new GraphRefusal(400, "BadRequest", $"Location '{unknownLocation}' is neither All, AllTrusted nor a named location of this tenant.")
            : null;

        refusal ??= policy!.State == "enabled" && defaults
            ? new GraphRefusal(400, "BadRequest", "Conditional Access policies cannot be enabled while security defaults are enabled. Disable security defaults first, or create the policy in report-only mode.")
            : null;
        if (refusal is not null)
        {
            await graph.Error(http, refusal.Status, refusal.Code, refusal.Message);
            return null;
        }

        return policy;
    }

    /// <summary>Policy.ReadWrite.ConditionalAccess, and Entra ID P1 in the tenant (the sandbox's wording: 403).</summary>
    private async Task<ApiCaller?> Authorize(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller)
        {
            return null;
        }

        if (!DirectorySeeder.HasPremium(caller.Tenant.Content))
        {
            await graph.Error(http, 403, "AccessDenied", "Conditional Access requires a Microsoft Entra ID P1 or P2 licence in this tenant.");
            return null;
        }

        return caller;
    }

    private Task<ConditionalAccessPolicy?> Find(HttpContext http, ApiCaller caller) =>
        GraphObjects.RouteItem(http, graph, caller, c => c.Directory.Policies, p => p.Id);

    private void Audit(HttpContext http, ApiCaller caller, string activity, ConditionalAccessPolicy policy) =>
        DirectoryAudits.Record(context, http, caller, activity, "Policy", activity.Split(' ')[0], "Conditional Access",
            new AuditTarget("Policy", policy.Id, policy.DisplayName, null, [new AuditChange("State", null, DirectoryAuditSeeder.Json(policy.State))]));
}

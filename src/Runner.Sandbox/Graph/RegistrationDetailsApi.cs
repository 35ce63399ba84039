using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /reports/authenticationMethods/userRegistrationDetails ("List userRegistrationDetails"): each user's MFA
/// registration, with $filter on isMfaRegistered, isAdmin, userType and userPrincipalName. It needs AuditLog.Read.All
/// and, as the documentation's licence requirement says, Microsoft Entra ID P1 or P2 in the tenant.
/// </summary>
internal sealed class RegistrationDetailsApi(GraphApi graph)
{
    private const string Entity = "microsoft.graph.userRegistrationDetails";

    private static readonly IReadOnlyDictionary<string, FilterProperty<JsonObject>> Filterable =
        new Dictionary<string, FilterProperty<JsonObject>>(StringComparer.OrdinalIgnoreCase)
        {
            ["isMfaRegistered"] = new(EdmType.Boolean, d => (bool)d["isMfaRegistered"]!),
            ["isMfaCapable"] = new(EdmType.Boolean, d => (bool)d["isMfaCapable"]!),
            ["isAdmin"] = new(EdmType.Boolean, d => (bool)d["isAdmin"]!),
            ["userType"] = new(EdmType.String, d => (string?)d["userType"]),
            ["userPrincipalName"] = new(EdmType.String, d => (string?)d["userPrincipalName"]),
            ["id"] = new(EdmType.String, d => (string?)d["id"]),
        };

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1.0/reports/authenticationMethods/userRegistrationDetails", (RequestDelegate)List);

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, "AuditLog.Read.All") is not { } caller)
        {
            return;
        }

        if (!DirectorySeeder.HasPremium(caller.Tenant.Content))
        {
            // The reports API refuses tenants without a premium licence with this code (Graph error responses).
            var refusal = ODataQueryException.NonPremiumTenant();
            await graph.Error(http, refusal.Status, refusal.Code, refusal.Message);
            return;
        }

        if (await GraphList.Filter(http, graph, Filterable, Entity) is not { } filter)
        {
            return;
        }

        List<JsonObject> details;
        var content = caller.Tenant.Content;
        lock (content.Sync)
        {
            var admins = content.Directory.Roles.SelectMany(r => r.MemberIds).ToHashSet();
            details = content.Users.Select(u => Details(u, admins.Contains(u.Id), content.Directory.Registrations.GetValueOrDefault(u.Id, []))).Where(filter).ToList();
        }

        await GraphList.Write(http, graph, "reports/authenticationMethods/userRegistrationDetails", Entity, details);
    }

    private static JsonObject Details(SandboxUser user, bool isAdmin, string[] methods) => new()
    {
        ["id"] = user.Id.ToString(),
        ["userPrincipalName"] = user.UserPrincipalName,
        ["userDisplayName"] = user.DisplayName,
        ["userType"] = user.UserType.ToLowerInvariant(),
        ["isAdmin"] = isAdmin,
        ["isSsprRegistered"] = methods.Length > 0,
        ["isSsprEnabled"] = false,
        ["isSsprCapable"] = false,
        ["isMfaRegistered"] = methods.Length > 0,
        ["isMfaCapable"] = methods.Length > 0,
        ["isPasswordlessCapable"] = methods.Contains("fido2"),
        ["methodsRegistered"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray()),
        ["isSystemPreferredAuthenticationMethodEnabled"] = true,
        ["systemPreferredAuthenticationMethods"] = new JsonArray(methods.Take(1).Select(m => (JsonNode)(m == "mobilePhone" ? "sms" : "push")).ToArray()),
        ["userPreferredMethodForSecondaryAuthentication"] = methods.Length == 0 ? "none" : methods[0] == "mobilePhone" ? "sms" : methods[0] == "fido2" ? "fido2" : "push",
        ["lastUpdatedDateTime"] = UserProperties.Date(user.CreatedDateTime),
    };
}

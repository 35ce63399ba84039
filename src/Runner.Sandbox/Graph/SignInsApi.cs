using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /auditLogs/signIns[/{id}] ("List signIns"): the tenant's interactive sign-ins of the last 30 days by the sandbox
/// clock, newest first,
/// with $filter on the properties sign-in reviews use (createdDateTime, userPrincipalName, userId, appDisplayName,
/// clientAppUsed, conditionalAccessStatus, status/errorCode, location/countryOrRegion). Needs AuditLog.Read.All and,
/// as the page's licence requirement says, Entra ID P1 in the tenant (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant).
/// </summary>
internal sealed class SignInsApi(SandboxContext context, GraphApi graph)
{
    private const string Entity = "microsoft.graph.signIn";

    private static readonly IReadOnlyDictionary<string, FilterProperty<SignInRecord>> Filterable =
        new Dictionary<string, FilterProperty<SignInRecord>>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new(EdmType.String, s => s.Id.ToString()),
            ["createdDateTime"] = new(EdmType.DateTimeOffset, s => s.CreatedDateTime),
            ["userPrincipalName"] = new(EdmType.String, s => s.User.UserPrincipalName),
            ["userId"] = new(EdmType.String, s => s.User.Id.ToString()),
            ["appDisplayName"] = new(EdmType.String, s => s.AppDisplayName),
            ["appId"] = new(EdmType.String, s => s.AppId.ToString()),
            ["clientAppUsed"] = new(EdmType.String, s => s.ClientAppUsed),
            ["conditionalAccessStatus"] = new(EdmType.String, s => s.ConditionalAccessStatus),
            ["ipAddress"] = new(EdmType.String, s => s.IpAddress),
            ["status/errorCode"] = new(EdmType.Int32, s => s.ErrorCode),
            ["location/countryOrRegion"] = new(EdmType.String, s => s.CountryOrRegion),
            ["location/city"] = new(EdmType.String, s => s.City),
        };

    /// <summary>How long Entra keeps sign-ins with P1 or P2 ("Microsoft Entra data retention").</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/auditLogs/signIns", (RequestDelegate)List);
        routes.MapGet("/v1.0/auditLogs/signIns/{id}", (RequestDelegate)Get);
    }

    private async Task List(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return;
        }

        if (await GraphList.Filter(http, graph, Filterable, Entity) is not { } filter)
        {
            return;
        }

        List<JsonObject> signIns;
        lock (caller.Tenant.Content.Sync)
        {
            signIns = Kept(caller).Where(filter).Select(Json).ToList();
        }

        await GraphList.Write(http, graph, "auditLogs/signIns", Entity, signIns);
    }

    private async Task Get(HttpContext http)
    {
        if (await Authorize(http) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "auditLogs/signIns", _ => Kept(caller), s => s.Id, (string)http.Request.RouteValues["id"]!, Json);
        }
    }

    /// <summary>The sign-ins still kept by the sandbox clock (call under the content lock).</summary>
    private IEnumerable<SignInRecord> Kept(ApiCaller caller)
    {
        var since = context.Clock.GetUtcNow() - Retention;
        return caller.Tenant.Content.SignIns.Where(s => s.CreatedDateTime > since);
    }

    private async Task<ApiCaller?> Authorize(HttpContext http)
    {
        if (await graph.Authorize(http, "AuditLog.Read.All") is not { } caller)
        {
            return null;
        }

        if (!DirectorySeeder.HasPremium(caller.Tenant.Content))
        {
            var refusal = ODataQueryException.NonPremiumTenant();
            await graph.Error(http, refusal.Status, refusal.Code, refusal.Message);
            return null;
        }

        return caller;
    }

    private static JsonObject Json(SignInRecord s) => new()
    {
        ["id"] = s.Id.ToString(),
        ["createdDateTime"] = UserProperties.Date(s.CreatedDateTime),
        ["userDisplayName"] = s.User.DisplayName,
        ["userPrincipalName"] = s.User.UserPrincipalName,
        ["userId"] = s.User.Id.ToString(),
        ["appId"] = s.AppId.ToString(),
        ["appDisplayName"] = s.AppDisplayName,
        ["ipAddress"] = s.IpAddress,
        ["clientAppUsed"] = s.ClientAppUsed,
        ["correlationId"] = DeterministicGuid.Create(0, $"correlation:{s.Id}").ToString(),
        ["conditionalAccessStatus"] = s.ConditionalAccessStatus,
        ["isInteractive"] = true,
        ["riskDetail"] = "none",
        ["riskLevelAggregated"] = "none",
        ["riskLevelDuringSignIn"] = "none",
        ["riskState"] = "none",
        ["riskEventTypes_v2"] = new JsonArray(),
        ["resourceDisplayName"] = s.AppDisplayName,
        ["resourceId"] = s.AppId.ToString(),
        ["status"] = new JsonObject
        {
            ["errorCode"] = s.ErrorCode,
            ["failureReason"] = s.ErrorCode == 0 ? "Other." : "Error validating credentials due to invalid username or password.",
            ["additionalDetails"] = s.ErrorCode == 0 ? null : "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.",
        },
        ["deviceDetail"] = new JsonObject
        {
            ["deviceId"] = "",
            ["displayName"] = "",
            ["operatingSystem"] = s.OperatingSystem,
            ["browser"] = s.Browser,
            ["isCompliant"] = false,
            ["isManaged"] = false,
            ["trustType"] = "",
        },
        ["location"] = new JsonObject
        {
            ["city"] = s.City,
            ["state"] = "",
            ["countryOrRegion"] = s.CountryOrRegion,
        },
        ["appliedConditionalAccessPolicies"] = new JsonArray(),
    };
}

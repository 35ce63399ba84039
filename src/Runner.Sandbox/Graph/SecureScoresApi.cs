using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /security/secureScores ("List secureScores": one score a day for the last 90 days, newest first; needs
/// SecurityEvents.Read.All) and one of them by id. The score is worked out from the tenant's own configuration, as
/// Microsoft's is, for a few of Microsoft's controls: MFA registration, MFA for admins and legacy authentication
/// blocked (by security defaults or an enabled Conditional Access policy), and more than one global admin. The
/// sandbox keeps no history, so every day shows today's configuration.
/// </summary>
internal sealed class SecureScoresApi(SandboxContext context, GraphApi graph)
{
    private const int Days = 90;
    private const string Entity = "microsoft.graph.secureScore";
    private static readonly string[] Read = ["SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/security/secureScores", (RequestDelegate)List);
        routes.MapGet("/v1.0/security/secureScores/{id}", (RequestDelegate)Get);
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphList.Write(http, graph, "security/secureScores", Entity, Scores(caller.Tenant));
        }
    }

    private async Task Get(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        if (Scores(caller.Tenant).FirstOrDefault(s => string.Equals((string)s["id"]!, id, StringComparison.OrdinalIgnoreCase)) is not { } score)
        {
            await GraphObjects.NotFound(http, graph, id);
            return;
        }

        score["@odata.context"] = graph.Context(http, "security/secureScores") + "/$entity";
        await http.WriteJson(score);
    }

    private List<JsonObject> Scores(SandboxTenant tenant)
    {
        var content = tenant.Content;
        JsonObject[] controls;
        int active, licensed;
        lock (content.Sync)
        {
            controls = [.. ControlScores(content)];
            active = content.Users.Count(u => u.AccountEnabled);
            licensed = content.Users.Count(u => u.AssignedSkuIds.Count > 0);
        }

        var current = controls.Sum(c => (double)c["score"]!);
        var today = context.Clock.GetUtcNow().UtcDateTime.Date;
        return [.. Enumerable.Range(0, Days).Select(day => today.AddDays(-day)).Select(date => new JsonObject
        {
            ["id"] = $"{tenant.Id}_{date:yyyy-MM-dd}",
            ["azureTenantId"] = tenant.Id.ToString(),
            ["activeUserCount"] = active,
            ["createdDateTime"] = date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), // computed at the day's start: never after the sandbox's now
            ["currentScore"] = current,
            ["enabledServices"] = new JsonArray("HasExchange", "HasSharePoint", "HasOD4B"),
            ["licensedUserCount"] = licensed,
            ["maxScore"] = MaxScore,
            ["averageComparativeScores"] = new JsonArray(
                new JsonObject { ["basis"] = "AllTenants", ["averageScore"] = 40.5 },
                new JsonObject { ["basis"] = "TotalSeats", ["averageScore"] = 38.12, ["seatSizeRangeLowerValue"] = 1, ["seatSizeRangeUpperValue"] = 100 }),
            ["controlScores"] = new JsonArray([.. controls.Select(c => c.DeepClone())]),
            ["vendorInformation"] = new JsonObject { ["provider"] = "SecureScore", ["providerVersion"] = null, ["subProvider"] = null, ["vendor"] = "Microsoft" },
        })];
    }

    private static readonly (string Name, string Category, string Description, double Max)[] Controls =
    [
        ("MFARegistrationV2", "Identity", "Ensure all users can complete multifactor authentication", 9),
        ("AdminMFAV2", "Identity", "Require multifactor authentication for administrative roles", 10),
        ("BlockLegacyAuthentication", "Identity", "Block legacy authentication", 8),
        ("OneAdmin", "Identity", "Designate more than one global admin", 1),
    ];

    private static readonly double MaxScore = Controls.Sum(c => c.Max);

    /// <summary>Each control's score from the tenant as it is now (call under the content's lock).</summary>
    private static IEnumerable<JsonObject> ControlScores(TenantContent content)
    {
        var members = content.Users.Where(u => u.AccountEnabled && u.UserType == "Member").ToList();
        var registered = members.Count(u => content.Directory.Registrations.GetValueOrDefault(u.Id, []).Length > 0);
        var enforced = content.Directory.SecurityDefaultsEnabled || content.Directory.Policies.Any(p => p.State == "enabled");
        var globalAdmins = content.Directory.Roles.FirstOrDefault(r => r.RoleTemplateId.ToString() == GdapSeeder.GlobalAdministrator)?.MemberIds.Count ?? 0;
        double[] scores =
        [
            members.Count == 0 ? 0 : Math.Round(Controls[0].Max * registered / members.Count, 2),
            enforced ? Controls[1].Max : 0,
            enforced ? Controls[2].Max : 0,
            globalAdmins is >= 2 and <= 4 ? Controls[3].Max : 0,
        ];
        return Controls.Select((c, i) => new JsonObject
        {
            ["controlCategory"] = c.Category,
            ["controlName"] = c.Name,
            ["description"] = c.Description,
            ["score"] = scores[i],
        });
    }
}

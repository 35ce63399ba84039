using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Conditional Access named locations ("List namedLocations", "Create namedLocation", "Update", "Delete"):
/// GET/POST /identity/conditionalAccess/namedLocations and GET/PATCH/DELETE .../{id}, typed
/// #microsoft.graph.ipNamedLocation (ipRanges as IPv4/IPv6 CIDR ranges, isTrusted) or
/// #microsoft.graph.countryNamedLocation (two-letter countriesAndRegions, includeUnknownCountriesAndRegions). Reading
/// needs Policy.Read.All, writing Policy.ReadWrite.ConditionalAccess and the write table's roles; a location a policy
/// still names cannot be deleted (400, the sandbox's wording).
/// </summary>
internal sealed class NamedLocationsApi(SandboxContext context, GraphApi graph)
{
    private const string Path = "/v1.0/identity/conditionalAccess/namedLocations";

    private static readonly string[] Read = ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (RequestDelegate)List);
        routes.MapGet($"{Path}/{{id}}", (RequestDelegate)Get);
        routes.MapPost(Path, (RequestDelegate)Create);
        routes.MapMethods($"{Path}/{{id}}", ["PATCH"], (RequestDelegate)Update);
        routes.MapDelete($"{Path}/{{id}}", (RequestDelegate)Remove);
    }

    private async Task List(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is not { } caller)
        {
            return;
        }

        List<JsonObject> locations;
        lock (caller.Tenant.Content.Sync)
        {
            locations = caller.Tenant.Content.Directory.NamedLocations.Select(Json).ToList();
        }

        await GraphList.Write(http, graph, "identity/conditionalAccess/namedLocations", "microsoft.graph.namedLocation", locations);
    }

    private async Task Get(HttpContext http)
    {
        if (await graph.Authorize(http, Read) is { } caller)
        {
            await GraphObjects.WriteOne(http, graph, caller, "identity/conditionalAccess/namedLocations", c => c.Directory.NamedLocations, l => l.Id,
                (string)http.Request.RouteValues["id"]!, Json);
        }
    }

    private async Task Create(HttpContext http)
    {
        if (await graph.Authorize(http, "Policy.ReadWrite.ConditionalAccess") is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        var now = context.Clock.GetUtcNow();
        var type = (string?)(body["@odata.type"] as JsonValue);
        var blank = new NamedLocation(Guid.NewGuid(), "", type?.EndsWith("ipNamedLocation", StringComparison.OrdinalIgnoreCase) == true, [], false, false, now, now);
        if (type is null || !(blank.IsIp || type.EndsWith("countryNamedLocation", StringComparison.OrdinalIgnoreCase)))
        {
            await graph.Error(http, 400, "BadRequest", "@odata.type must be #microsoft.graph.ipNamedLocation or #microsoft.graph.countryNamedLocation.");
            return;
        }

        if (await Changed(http, body, blank) is not { } location)
        {
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            caller.Tenant.Content.Directory.NamedLocations.Add(location);
        }

        graph.Audit(http, caller, "Add named location", "Policy", "Add", new AuditTarget("Policy", location.Id, location.DisplayName, null, []));
        var json = Json(location);
        json["@odata.context"] = graph.Context(http, "identity/conditionalAccess/namedLocations") + "/$entity";
        await http.WriteJson(json, 201);
    }

    private async Task Update(HttpContext http)
    {
        if (await graph.Authorize(http, "Policy.ReadWrite.ConditionalAccess") is not { } caller || await GraphObjects.Body(http, graph) is not { } body ||
            await Find(http, caller) is not { } current || await Changed(http, body, current with { ModifiedDateTime = context.Clock.GetUtcNow() }) is not { } location)
        {
            return;
        }

        lock (caller.Tenant.Content.Sync)
        {
            var list = caller.Tenant.Content.Directory.NamedLocations;
            list[list.FindIndex(l => l.Id == location.Id)] = location;
        }

        graph.Audit(http, caller, "Update named location", "Policy", "Update", new AuditTarget("Policy", location.Id, location.DisplayName, null, []));
        await GraphObjects.NoContent(http);
    }

    private async Task Remove(HttpContext http)
    {
        if (await graph.Authorize(http, "Policy.ReadWrite.ConditionalAccess") is not { } caller || await Find(http, caller) is not { } location)
        {
            return;
        }

        string? usedBy;
        lock (caller.Tenant.Content.Sync)
        {
            var id = location.Id.ToString();
            usedBy = caller.Tenant.Content.Directory.Policies.FirstOrDefault(p => p.IncludeLocations.Concat(p.ExcludeLocations).Contains(id, StringComparer.OrdinalIgnoreCase))?.DisplayName;
            if (usedBy is null)
            {
                caller.Tenant.Content.Directory.NamedLocations.Remove(location);
            }
        }

        if (usedBy is not null)
        {
            await graph.Error(http, 400, "BadRequest", $"The named location is used by the conditional access policy '{usedBy}'. Remove it from the policy first.");
            return;
        }

        graph.Audit(http, caller, "Delete named location", "Policy", "Delete", new AuditTarget("Policy", location.Id, location.DisplayName, null, []));
        await GraphObjects.NoContent(http);
    }

    /// <summary>The body applied to <paramref name="current"/>, or null after answering 400.</summary>
    private async Task<NamedLocation?> Changed(HttpContext http, JsonObject body, NamedLocation current)
    {
        var location = current;
        foreach (var (name, value) in body.Where(p => !p.Key.StartsWith('@')))
        {
            NamedLocation? next = (name, current.IsIp) switch
            {
                ("displayName", _) when value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0 => location with { DisplayName = text },
                ("isTrusted", true) when value is JsonValue v && v.TryGetValue<bool>(out var trusted) => location with { IsTrusted = trusted },
                ("ipRanges", true) when value is JsonArray ranges && Cidrs(ranges) is { } cidrs => location with { Values = cidrs },
                ("countriesAndRegions", false) when value is JsonArray countries && Countries(countries) is { } codes => location with { Values = codes },
                ("includeUnknownCountriesAndRegions", false) when value is JsonValue v && v.TryGetValue<bool>(out var unknown) => location with { IncludeUnknownCountries = unknown },
                ("id" or "createdDateTime" or "modifiedDateTime", _) => location,
                _ => null,
            };
            if (next is null)
            {
                await graph.Error(http, 400, "BadRequest", $"Invalid value for property '{name}' of the named location.");
                return null;
            }

            location = next;
        }

        if (location.DisplayName.Length == 0 || location.Values.Length == 0)
        {
            await graph.Error(http, 400, "BadRequest", location.IsIp ? "displayName and ipRanges are required." : "displayName and countriesAndRegions are required.");
            return null;
        }

        return location;
    }

    private static string[]? Cidrs(JsonArray ranges)
    {
        var cidrs = ranges.Select(r => (string?)(r?["cidrAddress"] as JsonValue)).ToList();
        return cidrs.All(c => c is not null && IPNetwork.TryParse(c, out _)) ? [.. cidrs!] : null;
    }

    private static string[]? Countries(JsonArray values)
    {
        var codes = values.Select(v => (string?)(v as JsonValue)).ToList();
        return codes.All(c => c is { Length: 2 } && c.All(char.IsAsciiLetterUpper)) ? [.. codes!] : null;
    }

    private Task<NamedLocation?> Find(HttpContext http, ApiCaller caller) =>
        GraphObjects.RouteItem(http, graph, caller, c => c.Directory.NamedLocations, l => l.Id);

    private static JsonObject Json(NamedLocation l)
    {
        var json = new JsonObject
        {
            ["@odata.type"] = l.IsIp ? "#microsoft.graph.ipNamedLocation" : "#microsoft.graph.countryNamedLocation",
            ["id"] = l.Id.ToString(),
            ["displayName"] = l.DisplayName,
            ["createdDateTime"] = UserProperties.Date(l.CreatedDateTime),
            ["modifiedDateTime"] = UserProperties.Date(l.ModifiedDateTime),
        };
        if (l.IsIp)
        {
            json["isTrusted"] = l.IsTrusted;
            json["ipRanges"] = new JsonArray([.. l.Values.Select(c => (JsonNode)new JsonObject
            {
                ["@odata.type"] = c.Contains(':', StringComparison.Ordinal) ? "#microsoft.graph.iPv6CidrRange" : "#microsoft.graph.iPv4CidrRange",
                ["cidrAddress"] = c,
            })]);
        }
        else
        {
            json["countriesAndRegions"] = new JsonArray([.. l.Values.Select(c => (JsonNode)c)]);
            json["includeUnknownCountriesAndRegions"] = l.IncludeUnknownCountries;
            json["countryLookupMethod"] = "clientIpAddress";
        }

        return json;
    }
}

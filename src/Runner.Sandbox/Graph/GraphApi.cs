using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Graph;

/// <summary>Microsoft Graph v1.0: users, organization, domains, subscribed SKUs and GDAP relationships of the token's tenant.</summary>
internal sealed class GraphApi(SandboxContext context)
{
    private const int DefaultTop = 100;
    private const int MaxTop = 999;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/users", (RequestDelegate)ListUsers);
        routes.MapGet("/v1.0/users/{id}", (RequestDelegate)GetUser);
        routes.MapGet("/v1.0/me", (RequestDelegate)GetMe);
        routes.MapGet("/v1.0/organization", (RequestDelegate)ListOrganization);
        routes.MapGet("/v1.0/organization/{id}", (RequestDelegate)GetOrganization);
        routes.MapGet("/v1.0/domains", (RequestDelegate)ListDomains);
        routes.MapGet("/v1.0/subscribedSkus", (RequestDelegate)ListSubscribedSkus);
        routes.MapGet("/v1.0/tenantRelationships/delegatedAdminRelationships", (RequestDelegate)ListRelationships);
    }

    private async Task ListUsers(HttpContext http)
    {
        if (await Authorize(http, "User.Read.All", "Directory.Read.All", "User.ReadBasic.All") is not { } caller)
        {
            return;
        }

        string[] select;
        Func<SandboxUser, bool> predicate = _ => true;
        try
        {
            select = ParseSelect(http.Query("$select"));
            if (http.Query("$filter") is { Length: > 0 } filter)
            {
                predicate = ODataFilter<SandboxUser>.Parse(filter, UserProperties.Filterable);
            }
        }
        catch (ODataQueryException e)
        {
            await Error(http, 400, "Request_UnsupportedQuery", e.Message);
            return;
        }

        var top = DefaultTop;
        if (http.Query("$top") is { } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop))
        {
            await Error(http, 400, "Request_BadRequest", $"Invalid page size specified: '{topText}'. Must be between 1 and {MaxTop} inclusive.");
            return;
        }

        var skip = ReadSkipToken(http.Query("$skiptoken"));
        List<SandboxUser> matching;
        lock (caller.Tenant.Content.Sync)
        {
            matching = caller.Tenant.Content.Users.Where(predicate).ToList();
        }

        var page = matching.Skip(skip).Take(top).Select(u => (JsonNode)UserProperties.Project(u, select)).ToArray();
        var body = new JsonObject
        {
            ["@odata.context"] = context.Url("/v1.0/$metadata#users"),
        };
        if (string.Equals(http.Query("$count"), "true", StringComparison.OrdinalIgnoreCase))
        {
            body["@odata.count"] = matching.Count;
        }

        if (skip + page.Length < matching.Count)
        {
            var query = http.Request.Query
                .Where(q => q.Key != "$skiptoken")
                .Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"$skiptoken={WriteSkipToken(skip + page.Length)}");
            body["@odata.nextLink"] = context.Url($"/v1.0/users?{string.Join('&', query)}");
        }

        body["value"] = new JsonArray(page);
        await http.WriteJson(body);
    }

    private async Task GetUser(HttpContext http)
    {
        if (await Authorize(http, "User.Read.All", "Directory.Read.All", "User.ReadBasic.All") is not { } caller)
        {
            return;
        }

        string[] select;
        try
        {
            select = ParseSelect(http.Query("$select"));
        }
        catch (ODataQueryException e)
        {
            await Error(http, 400, "Request_UnsupportedQuery", e.Message);
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        SandboxUser? user;
        lock (caller.Tenant.Content.Sync)
        {
            user = caller.Tenant.Content.Users.FirstOrDefault(u =>
                u.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase) ||
                u.UserPrincipalName.Equals(id, StringComparison.OrdinalIgnoreCase));
        }

        if (user is null)
        {
            await Error(http, 404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
            return;
        }

        var json = UserProperties.Project(user, select);
        json["@odata.context"] = context.Url("/v1.0/$metadata#users/$entity");
        await http.WriteJson(json);
    }

    private async Task GetMe(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return;
        }

        if (caller.User is null)
        {
            await Error(http, 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
            return;
        }

        await http.WriteJson(UserProperties.Project(caller.User, UserProperties.Default));
    }

    private async Task ListOrganization(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return;
        }

        await http.WriteJson(new JsonObject
        {
            ["@odata.context"] = context.Url("/v1.0/$metadata#organization"),
            ["value"] = new JsonArray(Organization(caller.Tenant)),
        });
    }

    /// <summary>Another tenant's organization object is refused: a token only ever reads its own tenant.</summary>
    private async Task GetOrganization(HttpContext http)
    {
        if (await Authorize(http) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        if (!Guid.TryParse(id, out var guid) || guid != caller.Tenant.Id)
        {
            await Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }

        await http.WriteJson(Organization(caller.Tenant));
    }

    private async Task ListDomains(HttpContext http)
    {
        if (await Authorize(http, "Domain.Read.All", "Directory.Read.All") is not { } caller)
        {
            return;
        }

        var content = caller.Tenant.Content;
        var domains = content.VerifiedDomains.Select((name, i) => (JsonNode)new JsonObject
        {
            ["authenticationType"] = "Managed",
            ["availabilityStatus"] = null,
            ["id"] = name,
            ["isAdminManaged"] = true,
            ["isDefault"] = i == content.VerifiedDomains.Count - 1,
            ["isInitial"] = i == 0,
            ["isRoot"] = true,
            ["isVerified"] = true,
            ["passwordNotificationWindowInDays"] = 14,
            ["passwordValidityPeriodInDays"] = 2147483647,
            ["supportedServices"] = i == 0 ? new JsonArray("Email", "OfficeCommunicationsOnline") : new JsonArray("Email"),
            ["state"] = null,
        }).ToArray();
        await http.WriteJson(new JsonObject { ["@odata.context"] = context.Url("/v1.0/$metadata#domains"), ["value"] = new JsonArray(domains) });
    }

    /// <summary>Licences the tenant owns (from its Partner Center subscriptions) and how many are assigned.</summary>
    private async Task ListSubscribedSkus(HttpContext http)
    {
        if (await Authorize(http, "Organization.Read.All", "Directory.Read.All") is not { } caller)
        {
            return;
        }

        var content = caller.Tenant.Content;
        JsonNode[] skus;
        lock (content.Sync)
        {
            skus = content.PartnerSubscriptions.GroupBy(s => s.Product.SkuId).Select(g =>
            {
                var product = g.First().Product;
                return (JsonNode)new JsonObject
                {
                    ["accountId"] = caller.Tenant.Id.ToString(),
                    ["accountName"] = caller.Tenant.DisplayName,
                    ["appliesTo"] = "User",
                    ["capabilityStatus"] = g.Any(s => s.Status == "active") ? "Enabled" : "Suspended",
                    ["consumedUnits"] = content.Users.Count(u => u.AssignedSkuIds.Contains(g.Key)),
                    ["id"] = $"{caller.Tenant.Id}_{g.Key}",
                    ["prepaidUnits"] = new JsonObject
                    {
                        ["enabled"] = g.Where(s => s.Status == "active").Sum(s => s.Quantity),
                        ["lockedOut"] = 0,
                        ["suspended"] = g.Where(s => s.Status == "suspended").Sum(s => s.Quantity),
                        ["warning"] = 0,
                    },
                    ["servicePlans"] = new JsonArray(product.ServicePlans.Select(p => (JsonNode)new JsonObject
                    {
                        ["servicePlanId"] = DeterministicGuid.Create(0, $"plan:{p}").ToString(),
                        ["servicePlanName"] = p,
                        ["provisioningStatus"] = "Success",
                        ["appliesTo"] = "User",
                    }).ToArray()),
                    ["skuId"] = g.Key.ToString(),
                    ["skuPartNumber"] = product.SkuPartNumber,
                    ["subscriptionIds"] = new JsonArray(g.Select(s => (JsonNode)s.Id.ToString()).ToArray()),
                };
            }).ToArray();
        }

        await http.WriteJson(new JsonObject { ["@odata.context"] = context.Url("/v1.0/$metadata#subscribedSkus"), ["value"] = new JsonArray(skus) });
    }

    /// <summary>GDAP relationships exist only in the partner tenant; status follows the sandbox clock.</summary>
    private async Task ListRelationships(HttpContext http)
    {
        if (await Authorize(http, "DelegatedAdminRelationship.Read.All", "DelegatedAdminRelationship.ReadWrite.All") is not { } caller)
        {
            return;
        }

        if (!caller.Tenant.IsPartner)
        {
            await Error(http, 403, "Authorization_RequestDenied", "The tenant is not a partner tenant; delegated admin relationships are managed by partners.");
            return;
        }

        var now = context.Clock.GetUtcNow();
        var top = int.TryParse(http.Query("$top"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? Math.Clamp(t, 1, 300) : 300;
        var skip = ReadSkipToken(http.Query("$skiptoken"));
        var all = context.Directory.Relationships;
        var page = all.Skip(skip).Take(top).Select(r => (JsonNode)Relationship(r, now)).ToArray();
        var body = new JsonObject { ["@odata.context"] = context.Url("/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships") };
        if (skip + page.Length < all.Count)
        {
            body["@odata.nextLink"] = context.Url($"/v1.0/tenantRelationships/delegatedAdminRelationships?$top={top}&$skiptoken={WriteSkipToken(skip + page.Length)}");
        }

        body["value"] = new JsonArray(page);
        await http.WriteJson(body);
    }

    private async Task<ApiCaller?> Authorize(HttpContext http, params string[] anyPermission)
    {
        var check = context.Validator.Validate(http, KnownResources.Graph);
        if (!check.Succeeded)
        {
            await Error(http, 401, "InvalidAuthenticationToken", check.Message);
            return null;
        }

        var caller = check.Caller!;
        if (anyPermission.Length > 0 && !anyPermission.Any(caller.Permissions.Contains))
        {
            await Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return null;
        }

        return caller;
    }

    private static string[] ParseSelect(string? select)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return UserProperties.Default;
        }

        var names = select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!UserProperties.IsKnown(name))
            {
                throw new ODataQueryException($"Parsing OData Select and Expand failed: Could not find a property named '{name}' on type 'microsoft.graph.user'.");
            }
        }

        return names;
    }

    private JsonObject Organization(SandboxTenant tenant)
    {
        var content = tenant.Content;
        return new JsonObject
        {
            ["id"] = tenant.Id.ToString(),
            ["displayName"] = tenant.DisplayName,
            ["countryLetterCode"] = content.CountryLetterCode,
            ["createdDateTime"] = UserProperties.Date(content.CreatedDateTime),
            ["tenantType"] = "AAD",
            ["partnerTenantType"] = tenant.IsPartner ? "resellerPartnerDelegatedAdmin" : null,
            ["verifiedDomains"] = new JsonArray(content.VerifiedDomains.Select((d, i) => (JsonNode)new JsonObject
            {
                ["capabilities"] = i == 0 ? "Email, OfficeCommunicationsOnline" : "Email",
                ["isDefault"] = i == content.VerifiedDomains.Count - 1,
                ["isInitial"] = i == 0,
                ["name"] = d,
                ["type"] = "Managed",
            }).ToArray()),
        };
    }

    private static JsonObject Relationship(GdapRelationship r, DateTimeOffset now) => new()
    {
        ["@odata.type"] = "#microsoft.graph.delegatedAdminRelationship",
        ["id"] = r.Id.ToString(),
        ["displayName"] = r.DisplayName,
        ["duration"] = $"P{(int)(r.EndDateTime - r.ActivatedDateTime).TotalDays}D",
        ["status"] = r.Status == "active" && r.EndDateTime <= now ? "expired" : r.Status,
        ["autoExtendDuration"] = "PT0S",
        ["createdDateTime"] = UserProperties.Date(r.CreatedDateTime),
        ["lastModifiedDateTime"] = UserProperties.Date(r.ActivatedDateTime),
        ["activatedDateTime"] = UserProperties.Date(r.ActivatedDateTime),
        ["endDateTime"] = UserProperties.Date(r.EndDateTime),
        ["customer"] = new JsonObject { ["tenantId"] = r.CustomerTenantId.ToString(), ["displayName"] = r.CustomerName },
        ["accessDetails"] = new JsonObject
        {
            ["unifiedRoles"] = new JsonArray(r.RoleDefinitionIds.Select(id => (JsonNode)new JsonObject { ["roleDefinitionId"] = id }).ToArray()),
        },
    };

    private static int ReadSkipToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return int.TryParse(text.AsSpan(text.IndexOf(':', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    private static string WriteSkipToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"skip:{offset}"));

    /// <summary>Graph's error body, with the innerError Graph adds to every error.</summary>
    internal static Task Error(HttpContext http, int status, string code, string message) =>
        http.WriteJson(new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                    ["request-id"] = Guid.NewGuid().ToString(),
                    ["client-request-id"] = http.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString(),
                },
            },
        }, status);
}

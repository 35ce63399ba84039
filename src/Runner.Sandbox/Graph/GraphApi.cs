using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Microsoft Graph v1.0 for the token's tenant: users here; organization, domains and subscribed SKUs in
/// <see cref="GraphDirectoryApi"/>; GDAP relationships (partner tenant only) in <see cref="GdapApi"/>.
/// </summary>
internal sealed class GraphApi(SandboxContext context)
{
    private static readonly string[] ReadUsers = ["User.Read.All", "Directory.Read.All", "User.ReadBasic.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/users", (RequestDelegate)ListUsers);
        routes.MapGet("/v1.0/users/$count", (RequestDelegate)CountUsers);
        routes.MapGet("/v1.0/users/{id}", (RequestDelegate)GetUser);
        routes.MapGet("/v1.0/me", (RequestDelegate)GetMe);
        new GraphDirectoryApi(context, this).Map(routes);
        new GdapApi(context, this).Map(routes);
        new DirectoryRolesApi(this).Map(routes);
        new GroupsApi(context, this).Map(routes);
        new ServicePrincipalsApi(context, this).Map(routes);
        new PoliciesApi(context, this).Map(routes);
        new SecureScoresApi(context, this).Map(routes);
        new RegistrationDetailsApi(this).Map(routes);
        new AssignLicenseApi(this).Map(routes);
        new LicenseDetailsApi(this).Map(routes);
        new MemberOfApi(context, this).Map(routes);
        new AuthenticationMethodsApi(this).Map(routes);
        new RevokeSessionsApi(context, this).Map(routes);
        new GroupWritesApi(context, this).Map(routes);
        new ManagedDevicesApi(this).Map(routes);
        new ApplicationsApi(this).Map(routes);
        new DevicesApi(this).Map(routes);
        new ManagerApi(this).Map(routes);
        new SignInsApi(context, this).Map(routes);
        new DirectoryAuditsApi(context, this).Map(routes);
        new DeletedItemsApi(context, this).Map(routes);
        new UsageReportsApi(context, this).Map(routes);
        new ServiceHealthApi(context, this).Map(routes);
        new MailboxAccessApi(this).Map(routes);
        new RoleManagementApi(this).Map(routes);
        new AuthorizationPolicyApi(context, this).Map(routes);
        new ConditionalAccessWritesApi(context, this).Map(routes);
        new InvitationsApi(context, this).Map(routes);
        new DeviceOwnersApi(this).Map(routes);
        new NamedLocationsApi(context, this).Map(routes);
        new SecurityAlertsApi(context, this).Map(routes);
        new UserWritesApi(context, this).Map(routes);
        new BatchApi(context, this).Map(routes);
    }

    /// <summary>The caller, or null after answering 401 (bad token) or 403 (none of <paramref name="anyPermission"/>).</summary>
    public async Task<ApiCaller?> Authorize(HttpContext http, params string[] anyPermission)
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

    /// <summary>Logs a write that succeeded in the tenant's directory audit log (<see cref="DirectoryAudits"/>).</summary>
    public void Audit(HttpContext http, ApiCaller caller, string activity, string category, string operation, params AuditTarget[] targets) =>
        DirectoryAudits.Record(context, http, caller, activity, category, operation, targets);

    /// <summary>Whether the caller may act with one of <paramref name="roles"/> (Entra role template ids): a partner admin
    /// in a customer tenant through the GDAP relationships in force there; app-only tokens and users in their own
    /// tenant are not GDAP's business.</summary>
    public bool HasRole(ApiCaller caller, params string[] roles) =>
        caller.User is not { } user || user.TenantId == caller.Tenant.Id ||
        roles.Any(context.Directory.GrantedRoles(caller.Tenant.Id, context.Clock.GetUtcNow()).Contains);

    /// <summary>GET /users: one page of the query's users and an absolute @odata.nextLink while more remain.</summary>
    private async Task ListUsers(HttpContext http)
    {
        if (await Authorize(http, ReadUsers) is not { } caller || await Query(http, caller, list: true) is not { } query)
        {
            return;
        }

        List<SandboxUser> matching;
        lock (caller.Tenant.Content.Sync)
        {
            matching = query.Order(caller.Tenant.Content.Users.Where(query.Filter)).ToList();
        }

        var managers = Managers(caller, query);
        var page = matching.Skip(query.Skip).Take(query.Top).Select(u => (JsonNode)WithManager(UserProperties.Project(u, query.Select), caller, u, managers, query)).ToArray();
        var body = new JsonObject { ["@odata.context"] = Context(http, "users") };
        if (query.Count)
        {
            body["@odata.count"] = matching.Count;
        }

        if (query.Skip + page.Length < matching.Count)
        {
            body["@odata.nextLink"] = NextLink(http, query.Skip + page.Length);
        }

        body["value"] = new JsonArray(page);
        await http.WriteJson(body);
    }

    /// <summary>GET /users/$count: the number as text/plain, only in an advanced query.</summary>
    private async Task CountUsers(HttpContext http)
    {
        if (await Authorize(http, ReadUsers) is not { } caller)
        {
            return;
        }

        if (!string.Equals(http.Request.Headers["ConsistencyLevel"].ToString(), "eventual", StringComparison.OrdinalIgnoreCase))
        {
            await Error(http, 400, "Request_UnsupportedQuery",
                "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information");
            return;
        }

        Func<SandboxUser, bool> filter = _ => true;
        if (http.Query("$filter") is { Length: > 0 } text)
        {
            try
            {
                filter = ODataFilter<SandboxUser>.Parse(text, UserProperties.Filterable, UserProperties.Entity).Predicate;
            }
            catch (ODataQueryException e)
            {
                await Error(http, e.Status, e.Code, e.Message);
                return;
            }
        }

        int count;
        lock (caller.Tenant.Content.Sync)
        {
            count = caller.Tenant.Content.Users.Count(filter);
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(count.ToString(CultureInfo.InvariantCulture), http.RequestAborted);
    }

    private async Task GetUser(HttpContext http)
    {
        if (await Authorize(http, ReadUsers) is not { } caller || await Query(http, caller, list: false) is not { } query)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        SandboxUser? user;
        lock (caller.Tenant.Content.Sync)
        {
            user = UserProperties.Find(caller.Tenant.Content, id);
        }

        if (user is null && caller.User is { } self && (self.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase) || self.UserPrincipalName.Equals(id, StringComparison.OrdinalIgnoreCase)) && self.TenantId == caller.Tenant.Id)
        {
            user = self;
        }

        if (user is null)
        {
            await Error(http, 404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
            return;
        }

        var json = new JsonObject { ["@odata.context"] = Context(http, "users") + "/$entity" };
        foreach (var (key, value) in WithManager(UserProperties.Project(user, query.Select), caller, user, Managers(caller, query), query))
        {
            json[key] = value?.DeepClone();
        }

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

        if (await Query(http, caller, list: false) is { } query)
        {
            await http.WriteJson(UserProperties.Project(caller.User, query.Select));
        }
    }

    /// <summary>The tenant's users by id when the query expands managers; null otherwise.</summary>
    private static Dictionary<Guid, SandboxUser>? Managers(ApiCaller caller, UserQuery query)
    {
        if (query.ExpandManager is null)
        {
            return null;
        }

        lock (caller.Tenant.Content.Sync)
        {
            return caller.Tenant.Content.Users.ToDictionary(u => u.Id);
        }
    }

    /// <summary>Adds the expanded manager, typed, as Graph does (a user without one has no manager property), or the
    /// expanded memberOf: at most 20, as Graph expands a relationship of directory objects.</summary>
    private JsonObject WithManager(JsonObject json, ApiCaller caller, SandboxUser user, Dictionary<Guid, SandboxUser>? users, UserQuery query)
    {
        if (users is not null && user.ManagerId is { } id && users.TryGetValue(id, out var manager))
        {
            json["manager"] = GraphObjects.TypedUser(manager, query.ExpandManager!.Append("id").Distinct());
        }

        if (query.ExpandMemberOf)
        {
            lock (caller.Tenant.Content.Sync)
            {
                json["memberOf"] = new JsonArray([.. MemberOfApi.Memberships(caller.Tenant, user, context.Options.Seed).Take(20)]);
            }
        }

        return json;
    }

    private async Task<UserQuery?> Query(HttpContext http, ApiCaller caller, bool list)
    {
        try
        {
            return UserQuery.Parse(http, caller, list);
        }
        catch (ODataQueryException e)
        {
            await Error(http, e.Status, e.Code, e.Message);
            return null;
        }
    }

    /// <summary>@odata.context as Graph writes it: the entity set, with the selected properties when $select was given.</summary>
    public string Context(HttpContext http, string entitySet) =>
        context.Url($"/v1.0/$metadata#{entitySet}") + (http.Query("$select") is { Length: > 0 } select ? $"({select})" : "");

    /// <summary>The same request with a $skiptoken, as an absolute URL (PageIterator follows it as is).</summary>
    public string NextLink(HttpContext http, int offset)
    {
        var query = http.Request.Query
            .Where(q => q.Key != "$skiptoken")
            .Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"$skiptoken={Uri.EscapeDataString(UserQuery.WriteSkipToken(offset))}");
        return context.Url($"{http.Request.Path}?{string.Join('&', query)}");
    }

    /// <summary>Graph's error response, with the innerError Graph adds to every error.</summary>
    public Task Error(HttpContext http, int status, string code, string message) => http.WriteJson(ErrorBody(http, code, message), status);

    /// <summary>Graph's error body: {"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}.</summary>
    public JsonObject ErrorBody(HttpContext http, string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = context.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = Guid.NewGuid().ToString(),
                ["client-request-id"] = http.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString(),
            },
        },
    };
}

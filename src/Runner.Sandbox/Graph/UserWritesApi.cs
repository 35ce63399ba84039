using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// Writes to users, as MSP jobs make them: PATCH /users/{id | userPrincipalName} ("Update user": 204 No Content;
/// disabling an account is accountEnabled false), DELETE /users/{id} ("Delete a user": 204, and the user is gone from
/// every list, group and role, into deleted items) and POST /users ("Create user": 201 with the user). The next read shows the change.
/// </summary>
internal sealed class UserWritesApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Write = ["User.ReadWrite.All", "Directory.ReadWrite.All"];

    /// <summary>"Update user": accountEnabled alone also needs only User.EnableDisableAccount.All.</summary>
    private static readonly string[] EnableDisable = [.. Write, "User.EnableDisableAccount.All"];

    private static readonly string[] Delete = [.. Write, "User.DeleteRestore.All"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/users/{id}", ["PATCH"], (RequestDelegate)Update);
        routes.MapDelete("/v1.0/users/{id}", (RequestDelegate)Remove);
        routes.MapPost("/v1.0/users", (RequestDelegate)Create);
    }

    private async Task Update(HttpContext http)
    {
        if (await graph.Authorize(http, EnableDisable) is not { } caller || await ReadBody(http) is not { } body)
        {
            return;
        }

        if (body.Any(p => !p.Key.StartsWith('@') && !p.Key.Equals("accountEnabled", StringComparison.OrdinalIgnoreCase)) && !Write.Any(caller.Permissions.Contains))
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }

        var content = caller.Tenant.Content;
        var (changes, refusal) = UserChanges.Read(body, content.VerifiedDomains, "passwordProfile");
        var password = PasswordReset.Read(body, caller);
        if ((refusal ?? password.Refusal) is { } refused)
        {
            await graph.Error(http, refused.Status, refused.Code, refused.Message);
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var upn = Text(body, "userPrincipalName");
        var now = context.Clock.GetUtcNow();
        string outcome;
        SandboxUser? user;
        lock (content.Sync)
        {
            user = UserProperties.Find(content, id);
            outcome = user is null ? "unknown"
                : upn is not null && content.Users.Any(u => u != user && u.UserPrincipalName.Equals(upn, StringComparison.OrdinalIgnoreCase)) ? "taken"
                : password.Requested && !PasswordReset.Allowed(graph, caller, content, user) ? "denied"
                : "done";
            if (outcome == "done")
            {
                changes.ForEach(change => change(user!));
                if (password.Requested)
                {
                    user!.LastPasswordChangeDateTime = now;
                    context.Identity.TokensValidFrom[user.Id] = now;
                }
            }
        }

        if (outcome == "done")
        {
            Audit(http, caller, user!, body, password.Requested);
        }

        await (outcome switch
        {
            "unknown" => GraphObjects.NotFound(http, graph, id),
            "taken" => UpnTaken(http),
            "denied" => graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
            _ => GraphObjects.NoContent(http),
        });
    }

    /// <summary>
    /// "Delete a user": 204. The user is gone from /users, from group and role members, and its licences are free
    /// again; Entra keeps it in deleted items for 30 days, from where it can be restored (<see cref="DeletedItemsApi"/>).
    /// A user holding a directory role needs the roles <see cref="SensitiveActions"/> names.
    /// </summary>
    private async Task Remove(HttpContext http)
    {
        if (await graph.Authorize(http, Delete) is not { } caller)
        {
            return;
        }

        var id = (string)http.Request.RouteValues["id"]!;
        var content = caller.Tenant.Content;
        SandboxUser? user;
        var denied = false;
        lock (content.Sync)
        {
            user = UserProperties.Find(content, id);
            denied = user is not null && !SensitiveActions.MayDeleteOrRestore(graph, caller,
                content.Directory.Roles.Where(r => r.MemberIds.Contains(user.Id)).Select(r => r.RoleTemplateId));
            if (user is not null && !denied)
            {
                content.DeletedUsers.Add(new DeletedUser(
                    user,
                    context.Clock.GetUtcNow(),
                    [.. content.Directory.Groups.Where(g => g.MemberIds.Contains(user.Id)).Select(g => g.Id)],
                    [.. content.Directory.Groups.Where(g => g.OwnerIds.Contains(user.Id)).Select(g => g.Id)],
                    [.. content.Directory.Roles.Where(r => r.MemberIds.Contains(user.Id)).Select(r => r.Id)],
                    content.Directory.Registrations.GetValueOrDefault(user.Id, [])));
                content.Users.Remove(user);
                content.Directory.Groups.ForEach(g =>
                {
                    g.MemberIds.Remove(user.Id);
                    g.OwnerIds.Remove(user.Id);
                });
                content.Directory.Roles.ForEach(r => r.MemberIds.Remove(user.Id));
                content.Directory.Registrations.Remove(user.Id);
                content.Users.Where(u => u.ManagerId == user.Id).ToList().ForEach(u => u.ManagerId = null);
            }
        }

        if (denied)
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }

        if (user is not null)
        {
            graph.Audit(http, caller, "Delete user", "UserManagement", "Delete", AuditTarget.Of(user));
        }

        await (user is null ? GraphObjects.NotFound(http, graph, id) : GraphObjects.NoContent(http));
    }

    /// <summary>What Entra logs for a PATCH: the password reset, the account switched off or on, and the other properties.</summary>
    private void Audit(HttpContext http, ApiCaller caller, SandboxUser user, JsonObject body, bool passwordReset)
    {
        if (passwordReset)
        {
            graph.Audit(http, caller, "Reset user password", "UserManagement", "Update", AuditTarget.Of(user));
        }

        if (Node(body, "accountEnabled") is JsonValue enabled && enabled.TryGetValue<bool>(out var on))
        {
            graph.Audit(http, caller, on ? "Enable account" : "Disable account", "UserManagement", "Update", AuditTarget.Of(user));
        }

        if (DirectoryAudits.Changes(body) is { Length: > 0 } changes)
        {
            graph.Audit(http, caller, "Update user", "UserManagement", "Update", AuditTarget.Of(user, changes));
        }
    }

    /// <summary>
    /// "Create user": accountEnabled, displayName, mailNickname, userPrincipalName (a verified domain of the tenant)
    /// and passwordProfile with a password that meets Entra's complexity are required; 201 with the new user.
    /// </summary>
    private async Task Create(HttpContext http)
    {
        if (await graph.Authorize(http, Write) is not { } caller || await ReadBody(http) is not { } body)
        {
            return;
        }

        var content = caller.Tenant.Content;
        if (CreateRefusal(body) is { } missing)
        {
            await graph.Error(http, missing.Status, missing.Code, missing.Message);
            return;
        }

        var (changes, refusal) = UserChanges.Read(body, content.VerifiedDomains, "mailNickname", "passwordProfile");
        if (refusal is not null)
        {
            await graph.Error(http, refusal.Status, refusal.Code, refusal.Message);
            return;
        }

        var user = new SandboxUser
        {
            Id = Guid.NewGuid(),
            TenantId = caller.Tenant.Id,
            GivenName = null,
            Surname = null,
            DisplayName = "",
            UserPrincipalName = "",
            AccountEnabled = false,
            CreatedDateTime = context.Clock.GetUtcNow(),
        };
        changes.ForEach(change => change(user));
        bool taken;
        lock (content.Sync)
        {
            taken = content.Users.Any(u => u.UserPrincipalName.Equals(user.UserPrincipalName, StringComparison.OrdinalIgnoreCase));
            if (!taken)
            {
                content.Users.Add(user);
                content.Directory.Registrations[user.Id] = [];
            }
        }

        if (taken)
        {
            await UpnTaken(http);
            return;
        }

        graph.Audit(http, caller, "Add user", "UserManagement", "Add", AuditTarget.Of(user));
        var json = new JsonObject { ["@odata.context"] = graph.Context(http, "users") + "/$entity" };
        foreach (var (key, value) in UserProperties.Project(user, UserProperties.Default))
        {
            json[key] = value?.DeepClone();
        }

        http.Response.Headers.Location = context.Url($"/v1.0/users/{user.Id}");
        await http.WriteJson(json, 201);
    }

    /// <summary>The properties "Create user" requires, and the password's complexity.</summary>
    private static GraphRefusal? CreateRefusal(JsonObject body)
    {
        foreach (var required in new[] { "accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile" })
        {
            if (Node(body, required) is null)
            {
                return UserChanges.InvalidValue(required);
            }
        }

        var nickname = Text(body, "mailNickname");
        if (nickname is null || nickname.Length is 0 or > 64 || nickname.Any(c => char.IsWhiteSpace(c) || c is '@' or '"' or '\\'))
        {
            return UserChanges.InvalidValue("mailNickname");
        }

        var password = Node(body, "passwordProfile") is JsonObject profile && Node(profile, "password") is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (password is null)
        {
            return UserChanges.InvalidValue("passwordProfile");
        }

        return UserChanges.IsComplexEnough(password)
            ? null
            : UserChanges.WeakPassword();
    }

    private Task<JsonObject?> ReadBody(HttpContext http) => GraphObjects.Body(http, graph);

    private Task UpnTaken(HttpContext http) =>
        graph.Error(http, 400, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists.");

    private static JsonNode? Node(JsonObject body, string name) =>
        body.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(JsonObject body, string name) =>
        Node(body, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

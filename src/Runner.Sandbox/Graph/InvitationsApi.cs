using System.Net.Mail;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// POST /invitations ("Create invitation"): invites an external user as a guest. invitedUserEmailAddress and
/// inviteRedirectUrl are required; 201 with the invitation (status PendingAcceptance, a redeem URL) and a new guest in
/// /users (userType Guest, externalUserState PendingAcceptance, the #EXT# user principal name Entra gives). Inviting
/// an address that already has a guest returns that guest, as Graph does. Needs User.Invite.All (or
/// User.ReadWrite.All, Directory.ReadWrite.All); through GDAP Guest Inviter, User or Global Administrator; and the
/// tenant's authorization policy must not say allowInvitesFrom "none" ("prevent everyone, including admins").
/// </summary>
internal sealed class InvitationsApi(SandboxContext context, GraphApi graph)
{
    private static readonly string[] Invite = ["User.Invite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"];

    public void Map(IEndpointRouteBuilder routes) => routes.MapPost("/v1.0/invitations", (RequestDelegate)Create);

    private async Task Create(HttpContext http)
    {
        if (await graph.Authorize(http, Invite) is not { } caller || await GraphObjects.Body(http, graph) is not { } body)
        {
            return;
        }

        var email = (string?)(body["invitedUserEmailAddress"] as JsonValue);
        var redirect = (string?)(body["inviteRedirectUrl"] as JsonValue);
        if (email is null || !MailAddress.TryCreate(email, out var address) || address.Address != email || redirect is null || !Uri.TryCreate(redirect, UriKind.Absolute, out _))
        {
            await graph.Error(http, 400, "BadRequest", email is null || redirect is null
                ? "The invitedUserEmailAddress and inviteRedirectUrl properties are required."
                : "The specified email address or redirect URL is invalid.");
            return;
        }

        var content = caller.Tenant.Content;
        var upn = $"{email.ToLowerInvariant().Replace('@', '_')}#EXT#@{caller.Tenant.Domain}";
        SandboxUser? guest;
        bool created = false, refused;
        lock (content.Sync)
        {
            refused = content.Authorization.AllowInvitesFrom == "none";
            guest = content.Users.FirstOrDefault(u => u.UserType == "Guest" && string.Equals(u.Mail, email, StringComparison.OrdinalIgnoreCase));
            if (!refused && guest is null)
            {
                var name = (string?)(body["invitedUserDisplayName"] as JsonValue) ?? email;
                guest = new SandboxUser
                {
                    Id = Guid.NewGuid(),
                    TenantId = caller.Tenant.Id,
                    GivenName = null,
                    Surname = null,
                    DisplayName = name,
                    UserPrincipalName = upn,
                    Mail = email.ToLowerInvariant(),
                    AccountEnabled = true,
                    CreatedDateTime = context.Clock.GetUtcNow(),
                    UserType = "Guest",
                    ExternalUserState = "PendingAcceptance",
                };
                content.Users.Add(guest);
                content.Directory.Registrations[guest.Id] = [];
                created = true;
            }
        }

        if (refused)
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Guest invitations are not allowed by the tenant's policy (allowInvitesFrom: none).");
            return;
        }

        if (created)
        {
            graph.Audit(http, caller, "Invite external user", "UserManagement", "Add", AuditTarget.Of(guest!));
        }

        await http.WriteJson(new JsonObject
        {
            ["@odata.context"] = context.Url("/v1.0/$metadata#invitations/$entity"),
            ["id"] = Guid.NewGuid().ToString(),
            ["inviteRedeemUrl"] = context.Url($"/redeem/?rd={Uri.EscapeDataString(guest!.Id.ToString())}"),
            ["invitedUserDisplayName"] = guest.DisplayName,
            ["invitedUserEmailAddress"] = email,
            ["invitedUserType"] = "Guest",
            ["inviteRedirectUrl"] = redirect,
            ["resetRedemption"] = false,
            ["sendInvitationMessage"] = (bool?)(body["sendInvitationMessage"] as JsonValue) ?? false,
            ["status"] = guest.ExternalUserState == "Accepted" ? "Completed" : "PendingAcceptance",
            ["invitedUser"] = new JsonObject { ["id"] = guest.Id.ToString() },
            ["invitedUserMessageInfo"] = body["invitedUserMessageInfo"]?.DeepClone(),
        }, 201);
    }
}

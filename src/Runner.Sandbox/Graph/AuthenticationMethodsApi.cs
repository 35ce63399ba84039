using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Graph;

/// <summary>
/// GET /users/{id | userPrincipalName}/authentication/methods ("List methods"): the password every user has and the
/// methods the user registered for MFA (the same registrations userRegistrationDetails reports), typed with
/// @odata.type. Needs UserAuthenticationMethod.Read.All; a partner admin acting on another user also needs, as the
/// page says, Global Administrator, Global Reader, Privileged Authentication Administrator or Authentication
/// Administrator (who sees phone numbers masked); without one Graph answers 403 accessDenied.
/// </summary>
internal sealed class AuthenticationMethodsApi(GraphApi graph)
{
    /// <summary>The fixed id Graph gives every user's password method.</summary>
    public const string PasswordMethodId = "28c10230-6103-485e-b985-444c60001490";

    /// <summary>The fixed id of the mobile phone method (alternateMobile and office have their own).</summary>
    public const string MobilePhoneMethodId = "3179e48a-750b-4051-897c-87b9720928f7";

    private static readonly string[] Read = ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"];
    private static readonly string[] ReadSelf = [.. Read, "UserAuthenticationMethod.Read", "UserAuthenticationMethod.ReadWrite"];

    private static readonly string[] FullRoles = [GdapSeeder.GlobalAdministrator, GdapSeeder.GlobalReader, GdapSeeder.PrivilegedAuthenticationAdministrator];

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1.0/users/{id}/authentication/methods", (RequestDelegate)List);

    private async Task List(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        if (await graph.Authorize(http, ReadSelf) is not { } caller)
        {
            return;
        }

        var self = caller.User is { } me && (me.Id.ToString().Equals(id, StringComparison.OrdinalIgnoreCase) || me.UserPrincipalName.Equals(id, StringComparison.OrdinalIgnoreCase));
        if (!self && !Read.Any(caller.Permissions.Contains))
        {
            await graph.Error(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return;
        }

        if (!graph.HasRole(caller, [.. FullRoles, GdapSeeder.AuthenticationAdministrator]))
        {
            // The authentication methods API's own refusal when the admin's roles do not allow it ("List methods").
            await graph.Error(http, 403, "accessDenied", "Request Authorization failed");
            return;
        }

        if (await GraphObjects.RouteUser(http, graph, caller) is not { } user)
        {
            return;
        }

        var masked = !graph.HasRole(caller, FullRoles);
        string[] registered;
        lock (caller.Tenant.Content.Sync)
        {
            registered = caller.Tenant.Content.Directory.Registrations.GetValueOrDefault(user.Id, []);
        }

        var methods = new List<JsonObject> { Method("password", PasswordMethodId, user.CreatedDateTime, new() { ["password"] = null }) };
        methods.AddRange(registered.Select(m => Registered(user, m, masked)).OfType<JsonObject>());
        await GraphList.Write(http, graph, $"users('{user.Id}')/authentication/methods", "microsoft.graph.authenticationMethod", methods);
    }

    /// <summary>A registration as userRegistrationDetails names it, as the methods list shows it; one-time passcodes
    /// from the Authenticator app are part of its method, not a method of their own.</summary>
    private static JsonObject? Registered(SandboxUser user, string registration, bool masked)
    {
        var created = user.CreatedDateTime.AddDays(1 + (Stable(user) % 20));
        var id = DeterministicGuid.Create(0, $"{user.Id}:method:{registration}").ToString();
        return registration switch
        {
            "microsoftAuthenticatorPush" => Method("microsoftAuthenticator", id, created, new()
            {
                ["displayName"] = $"{user.GivenName ?? user.DisplayName}'s iPhone",
                ["deviceTag"] = "SoftwareTokenActivated",
                ["phoneAppVersion"] = "6.8.14",
            }),
            "softwareOneTimePasscode" => null,
            "mobilePhone" => Method("phone", MobilePhoneMethodId, created, new()
            {
                ["phoneNumber"] = Phone(user, masked),
                ["phoneType"] = "mobile",
                ["smsSignInState"] = "notAllowedByPolicy",
            }),
            "fido2" => Method("fido2", id, created, new()
            {
                ["displayName"] = "YubiKey 5 NFC",
                ["aaGuid"] = "2fc0579f-8113-47ea-b116-bb5a8db9202a",
                ["model"] = "YubiKey 5 NFC",
                ["attestationCertificates"] = new JsonArray(),
                ["attestationLevel"] = "attested",
            }),
            _ => Method("softwareOath", id, created, new() { ["secretKey"] = null }),
        };
    }

    private static JsonObject Method(string kind, string id, DateTimeOffset created, JsonObject properties)
    {
        properties["id"] = id;
        properties["createdDateTime"] = UserProperties.Date(created);
        return GraphObjects.Typed($"{kind}AuthenticationMethod", properties);
    }

    /// <summary>The user's mobile phone, or a stable made-up one; an Authentication Administrator sees only its last two digits.</summary>
    private static string Phone(SandboxUser user, bool masked)
    {
        var number = user.MobilePhone ?? "+1 425555" + (Stable(user) % 10000).ToString("D4", CultureInfo.InvariantCulture);
        return masked ? $"{number[..3]}XXXXXXX{number[^2..]}" : number;
    }

    /// <summary>A non-negative number fixed per user (Math.Abs of a hash throws for int.MinValue).</summary>
    private static int Stable(SandboxUser user) => user.Id.GetHashCode() & int.MaxValue;
}

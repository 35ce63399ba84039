using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.Identity;

/// <summary>
/// The device authorization grant: POST /{tenant}/oauth2/v2.0/devicecode hands out a user code and a device code;
/// the person enters the user code at /devicelogin and signs in (password, MFA, consent) while the client polls
/// the token endpoint.
/// </summary>
internal sealed class DeviceCodeEndpoints(SandboxContext context)
{
    /// <summary>Entra gives a person 15 minutes and asks clients to poll every 5 seconds.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    public const int PollSeconds = 5;
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{tenant}/oauth2/v2.0/devicecode", (RequestDelegate)Start);
        routes.MapGet("/devicelogin", (RequestDelegate)(http => SignInPages.DeviceCodeEntry(http, null)));
        routes.MapPost("/devicelogin", (RequestDelegate)EnterCode);
    }

    private async Task Start(HttpContext http)
    {
        var now = context.Clock.GetUtcNow();
        var tenantName = (string)http.Request.RouteValues["tenant"]!;
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        var clientId = form["client_id"].ToString();
        var app = context.Directory.Application;
        if (clientId.Length == 0)
        {
            await EntraError.MissingParameter("client_id").ToResult(http, now).ExecuteAsync(http);
            return;
        }

        if (!Guid.TryParse(clientId, out var id) || id != app.ClientId)
        {
            await EntraError.UnknownApplication(clientId, tenantName).ToResult(http, now).ExecuteAsync(http);
            return;
        }

        if (!AuthorizeEndpoint.IsAlias(tenantName) && context.Directory.FindTenant(tenantName) is null)
        {
            await EntraError.TenantNotFound(tenantName).ToResult(http, now).ExecuteAsync(http);
            return;
        }

        var userCode = NewUserCode();
        context.Identity.DeviceAuthorizations[userCode] = new DeviceAuthorization
        {
            UserCode = userCode,
            Tenant = tenantName,
            ClientId = app.ClientId,
            Scope = form["scope"].ToString(),
            ExpiresAt = now + Lifetime,
        };
        var deviceCode = new SealedGrant("device", Guid.Empty, app.ClientId, now.ToUnixTimeSeconds(), false, UserCode: userCode).Seal(context.Keys, DevicePrefix);
        context.Identity.Record(deviceCode);
        var verification = context.Url("devicelogin");
        await http.WriteJson(new JsonObject
        {
            ["user_code"] = userCode,
            ["device_code"] = deviceCode,
            ["verification_uri"] = verification,
            ["expires_in"] = (int)Lifetime.TotalSeconds,
            ["interval"] = PollSeconds,
            ["message"] = $"To sign in, use a web browser to open the page {verification} and enter the code {userCode} to authenticate.",
        });
    }

    public const string DevicePrefix = "DAQABAAEAAAsandbox.";

    private async Task EnterCode(HttpContext http)
    {
        var now = context.Clock.GetUtcNow();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var code = form["otc"].ToString().Trim().Replace("-", "", StringComparison.Ordinal);
        if (!context.Identity.DeviceAuthorizations.TryGetValue(code, out var device) || device.Status != "pending")
        {
            await SignInPages.DeviceCodeEntry(http, "That code didn't work. Check the code and try again.");
            return;
        }

        if (device.ExpiresAt <= now)
        {
            await SignInPages.DeviceCodeEntry(http, "That code has expired. Go back to your app or device and get a new one.");
            return;
        }

        var flow = new SignInFlow("device", device.Tenant, device.ClientId, device.Scope, "password",
            (now + SignInFlow.Lifetime).ToUnixTimeSeconds(), UserCode: device.UserCode);
        await SignInPages.SignIn(http, SignInEndpoint.Action(device.Tenant), flow.Seal(context.Keys), null, null);
    }

    private static string NewUserCode()
    {
        Span<char> code = stackalloc char[9];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(code);
    }
}

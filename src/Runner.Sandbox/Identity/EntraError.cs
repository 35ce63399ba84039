using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Runner.Sandbox.Identity;

/// <summary>An OAuth error answer in Entra ID's own format: the AADSTS code leads the description and is
/// repeated in error_codes, followed by trace and correlation ids and a timestamp.</summary>
internal sealed record EntraError(int StatusCode, string Error, int Code, string Message)
{
    /// <summary>Entra's suberror (e.g. bad_token on an expired refresh token), when it sends one.</summary>
    public string? SubError { get; init; }

    public IResult ToResult(HttpContext context, DateTimeOffset now)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = context.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString();
        var timestamp = Timestamp(now);
        var body = new JsonObject
        {
            ["error"] = Error,
            ["error_description"] = Description(traceId, correlationId, now),
            ["error_codes"] = new JsonArray(Code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={Code}",
        };
        if (SubError is not null)
        {
            body["suberror"] = SubError;
        }

        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8", statusCode: StatusCode);
    }

    /// <summary>The error_description text as Entra writes it: "AADSTSnnnn: message", then CRLF before each of
    /// "Trace ID", "Correlation ID" and "Timestamp" (as in the answers quoted on "Microsoft Entra authentication and
    /// authorization error codes"), so a client that shows only the first line shows only the message.</summary>
    public string Description(string traceId, string correlationId, DateTimeOffset now) =>
        $"AADSTS{Code}: {Message}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlationId}\r\nTimestamp: {Timestamp(now)}";

    private static string Timestamp(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";

    public static EntraError TenantNotFound(string tenant) => new(400, "invalid_request", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    /// <summary>Instance discovery's answer for an authority host that is not a Microsoft cloud (here: not the sandbox).</summary>
    public static EntraError InvalidInstance() => new(400, "invalid_instance", 50049, "Unknown or invalid instance.");

    public static EntraError UnknownApplication(string clientId, string tenant) => new(400, "unauthorized_client", 700016,
        $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");

    public static EntraError InvalidSecret(Guid clientId) => new(401, "invalid_client", 7000215,
        $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");

    public static EntraError MissingClientCredential() => new(401, "invalid_client", 7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    public static EntraError PublicClientWithCredential() => new(401, "invalid_client", 700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");

    public static EntraError InvalidAssertion(string reason) => new(401, "invalid_client", 700027,
        $"Client assertion failed signature validation. {reason}");

    public static EntraError RefreshTokenExpired(DateTimeOffset issued) => new(400, "invalid_grant", 700082,
        $"The refresh token has expired due to inactivity. The token was issued on {issued.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)} and was inactive for 90.00:00:00.")
    {
        SubError = "bad_token",
    };

    public static EntraError RefreshTokenMalformed() => new(400, "invalid_grant", 9002313,
        "Invalid request. Request is malformed or invalid.");

    public static EntraError GrantRevoked(DateTimeOffset issued, DateTimeOffset validFrom) => new(400, "invalid_grant", 50173,
        $"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{Format(issued)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{Format(validFrom)}'.");

    public static EntraError NotInTenant(string upn, Guid homeTenant, string tenantName, Guid clientId, string appName) => new(400, "invalid_grant", 50020,
        $"User account '{upn}' from identity provider 'https://sts.windows.net/{homeTenant}/' does not exist in tenant '{tenantName}' and cannot access the application '{clientId}'({appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.");

    public static EntraError UnknownResource(string resource, string tenantName) => new(400, "invalid_resource", 500011,
        $"The resource principal named {resource} was not found in the tenant named {tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.");

    public static EntraError MultipleResources() => new(400, "invalid_request", 28000,
        "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope openid profile offline_access is not valid.");

    public static EntraError ConsentMissing(Guid clientId, string appName, string tenantName) => new(400, "invalid_grant", 65001,
        $"The user or administrator has not consented to use the application with ID '{clientId}' named '{appName}' in tenant '{tenantName}'. Send an interactive authorization request for this user and resource.");

    public static EntraError MfaRequired() => new(400, "invalid_grant", 50076,
        "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.");

    public static EntraError ConditionalAccess() => new(400, "invalid_grant", 53003,
        "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");

    public static EntraError UnsupportedGrant(string? grant) => new(400, "unsupported_grant_type", 70003,
        $"The app requested an unsupported grant type '{grant}'.");

    public static EntraError MissingParameter(string name) => new(400, "invalid_request", 900144,
        $"The request body must contain the following parameter: '{name}'.");

    public static EntraError ServiceUnavailable() => new(503, "temporarily_unavailable", 90033,
        "A transient error has occurred. Please try again.");

    public static EntraError RedirectUriMismatch(string redirectUri, Guid clientId) => new(400, "invalid_request", 50011,
        $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.");

    public static EntraError ReplyAddressMismatch(string given, string original) => new(400, "invalid_grant", 500112,
        $"The reply address '{given}' does not match the reply address '{original}' provided when requesting Authorization code.");

    public static EntraError UnsupportedResponseType(string? type) => new(400, "unsupported_response_type", 700051,
        $"The response_type '{type}' is not supported for the application.");

    public static EntraError UnsupportedResponseMode(string? mode) => new(400, "invalid_request", 70007,
        $"The application returned an unsupported value of 'response_mode' ('{mode}') when requesting a token.");

    public static EntraError InvalidCodeChallengeMethod() => new(400, "invalid_request", 50149,
        "Invalid Code_Challenge_method parameter.");

    public static EntraError InvalidCodeChallengeSize() => new(400, "invalid_request", 501491,
        "Invalid size of Code_Challenge parameter.");

    public static EntraError CodeVerifierMismatch() => new(400, "invalid_grant", 501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.");

    public static EntraError CodeInvalid() => new(400, "invalid_grant", 70000,
        "The provided value for the 'code' parameter is not valid.");

    public static EntraError CodeExpired() => new(400, "invalid_grant", 70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");

    public static EntraError CodeRedeemed() => new(400, "invalid_grant", 54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");

    public static EntraError UserDeclinedConsent() => new(400, "access_denied", 65004,
        "User declined to consent to access the app.");

    public static EntraError UserNotFound() => new(400, "invalid_grant", 50034,
        "The user account does not exist in this directory. To sign into this application, the account must be added to the directory.");

    public static EntraError WrongPassword() => new(400, "invalid_grant", 50126,
        "Error validating credentials due to invalid username or password.");

    public static EntraError MfaFailed() => new(400, "invalid_grant", 50074,
        "Strong Authentication is required. The code entered is not valid.");

    public static EntraError AuthorizationPending() => new(400, "authorization_pending", 70016,
        "The provided request has not yet been authorized by the user. The user must input their code.");

    public static EntraError DeviceCodeExpired() => new(400, "expired_token", 70019,
        "Verification code expired.");

    public static EntraError DeviceCodeDeclined() => new(400, "authorization_declined", 65004,
        "User declined to consent to access the app.");

    public static EntraError BadVerificationCode() => new(400, "bad_verification_code", 70018,
        "Invalid verification code due to User typing in wrong user code for device code flow. Authorization isn't approved.");

    public static EntraError SignInExpired() => new(400, "invalid_request", 50089,
        "Authentication failed due to flow token expired. Sign in again.");

    private static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture);
}

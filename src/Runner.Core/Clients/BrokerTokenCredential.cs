using Azure.Core;
using Runner.Auth;

namespace Runner.Clients;

/// <summary>
/// The Azure SDK credential for one tenant. ARM asks for its audience's .default scope with no tenant; mapping a
/// request to the customer tenant is this credential's job.
/// </summary>
internal sealed class BrokerTokenCredential(TokenBroker broker, string tenant) : TokenCredential
{
    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var token = await broker.GetTokenAsync(requestContext.TenantId ?? tenant, Scope(requestContext), cancellationToken);
        return new AccessToken(token.Value, token.ExpiresOn);
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    private static string Scope(TokenRequestContext context) =>
        context.Scopes.Length == 1 ? context.Scopes[0] : string.Join(' ', context.Scopes);
}

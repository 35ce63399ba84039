using Microsoft.Kiota.Abstractions.Authentication;
using Runner.Auth;

namespace Runner.Clients;

/// <summary>
/// Graph's token source for one tenant. Only the configured Graph host gets a token (compared without port, as
/// Kiota's validator does), so a redirect elsewhere never carries one.
/// </summary>
internal sealed class BrokerAccessTokenProvider(TokenBroker broker, string tenant, string scope, string graphHost) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new([graphHost]);

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        if (!AllowedHostsValidator.IsUrlHostValid(uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return string.Empty;
        }

        return (await broker.GetTokenAsync(tenant, scope, cancellationToken)).Value;
    }
}

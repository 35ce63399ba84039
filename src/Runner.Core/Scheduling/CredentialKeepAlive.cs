using System.Text.Json.Nodes;
using Runner.Runtime;

namespace Runner.Scheduling;

/// <summary>
/// The daily credential keep-alive the host schedules by default (scheduler.keepAlive): redeem the partner's refresh
/// token once, so it never reaches 90 days of inactivity, and write the rotated one back to the secret store. One
/// method on purpose: `runner auth refresh` does the same, and either can stand in for the other.
/// </summary>
internal static class CredentialKeepAlive
{
    public static async Task<JsonObject> RunAsync(RunnerSession session, CancellationToken cancellationToken)
    {
        var broker = session.Broker;
        var before = broker.Exchanges;
        var token = await broker.GetTokenAsync(broker.PartnerTenant, session.Cloud.Endpoints.PartnerCenterScope, cancellationToken);
        await broker.FlushAsync(cancellationToken);
        var metadata = broker.Metadata;
        return new JsonObject
        {
            ["partnerTenant"] = broker.PartnerTenant,
            ["user"] = metadata?.Username,
            // False when a token from an exchange in the last hour was still valid: the refresh token was redeemed then.
            ["exchanged"] = broker.Exchanges > before,
            ["lastRedeemedAt"] = metadata?.LastRedeemedAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["accessTokenExpiresOn"] = token.ExpiresOn.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Auth;
using Runner.Runtime;

namespace Runner.Scheduling;

/// <summary>
/// The daily credential keep-alive the host schedules by default (scheduler.keepAlive): redeem the partner's refresh
/// token now, so it never reaches 90 days of inactivity, and write the rotated one back to the secret store. It is
/// `runner auth refresh` (<see cref="CredentialKeeper.RefreshAsync"/>), with the store's write-back policy.
/// </summary>
internal static class CredentialKeepAlive
{
    public static async Task<JsonObject> RunAsync(RunnerSession session, CancellationToken cancellationToken)
    {
        var before = session.Broker.Exchanges;
        var status = await CredentialKeeper.RefreshAsync(session, forceWriteBack: false, cancellationToken);
        return new JsonObject
        {
            ["partnerTenant"] = session.Broker.PartnerTenant,
            ["user"] = status.Username,
            ["exchanged"] = session.Broker.Exchanges > before,
            ["health"] = status.Health.ToString(),
            ["daysLeft"] = status.DaysLeft,
            ["lastRedeemedAt"] = status.LastRedeemedAt?.ToString("o", CultureInfo.InvariantCulture),
            ["lastWrittenBackAt"] = status.LastWrittenBackAt?.ToString("o", CultureInfo.InvariantCulture),
            ["store"] = status.Store,
        };
    }
}

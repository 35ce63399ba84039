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
        var now = session.Services.Time.GetUtcNow();
        // GDAP relationships in force that end within 30 days, from the cached customer list: the host notifies at 30, 7 and 1 days.
        var ending = new JsonArray();
        foreach (var tenant in await session.Tenants.GetAsync(refresh: false, cancellationToken))
        {
            foreach (var relationship in tenant.Gdap.Relationships.Where(r => Runner.Tenants.GdapAccess.GrantsAccess(r.Status) && r.EndDateTime is { } end && end > now && end <= now.AddDays(30)))
            {
                ending.Add(new JsonObject
                {
                    ["id"] = relationship.Id,
                    ["name"] = relationship.Name,
                    ["customer"] = tenant.CompanyName,
                    ["ends"] = relationship.EndDateTime!.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["daysLeft"] = (int)Math.Ceiling((relationship.EndDateTime!.Value - now).TotalDays),
                });
            }
        }

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
            ["gdapEnding"] = ending,
        };
    }
}

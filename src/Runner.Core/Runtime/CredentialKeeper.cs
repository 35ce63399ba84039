using Runner.Auth;
using Runner.Secrets;
using Runner.State;

namespace Runner.Runtime;

/// <summary>
/// Keeps the partner credential alive and reports on it. The scheduler calls <see cref="RefreshAsync"/> daily
/// (the built-in keep-alive); `runner auth refresh` calls it on demand, `runner auth status` calls
/// <see cref="StatusAsync"/>. A refresh token expires after 90 days without use, and every redemption starts a
/// new 90 days, so one successful refresh a day keeps it alive indefinitely.
/// </summary>
internal static class CredentialKeeper
{
    /// <summary>
    /// Redeems the refresh token now (Entra rotates it), saves the token cache, and writes the new refresh token to
    /// the secret store — always when <paramref name="forceWriteBack"/>, else as auth.keyVaultWriteInterval and
    /// auth.forceWriteAfter say. Throws <see cref="TokenAcquisitionException"/> (NeedsOperator for an expired,
    /// revoked or MFA-blocked credential) when Entra refuses.
    /// </summary>
    public static async Task<CredentialStatus> RefreshAsync(RunnerSession session, bool forceWriteBack, CancellationToken cancellationToken)
    {
        await session.Broker.RedeemAsync(cancellationToken);
        await session.Broker.FlushAsync(forceWriteBack, cancellationToken);
        return await StatusAsync(session, cancellationToken);
    }

    /// <summary>The credential's state, from the local token cache and the secret store, without calling Entra.</summary>
    public static async Task<CredentialStatus> StatusAsync(RunnerSession session, CancellationToken cancellationToken)
    {
        CredentialMetadata? local = null;
        string? problem = null;
        try
        {
            local = session.Credentials.LoadCache()?.Metadata;
        }
        catch (StateException e)
        {
            problem = e.Message;
        }

        StoredSecret? stored = null;
        try
        {
            stored = await session.Credentials.ReadRefreshTokenAsync(cancellationToken);
        }
        catch (SecretStoreException e)
        {
            problem = problem is null ? e.Message : $"{problem} {e.Message}";
        }

        var status = CredentialStatus.From(local, stored, session.Credentials.StoreDescription, session.Config.Auth, session.Services.Time.GetUtcNow(), problem);
        if (status.DaysLeft is { } days)
        {
            Telemetry.RunnerTelemetry.CredentialDaysLeft(days);
        }

        return status;
    }
}

namespace Runner.Clients.PartnerCenter;

/// <summary>
/// Partner Center answers that are about the partner's credential itself, not about one call: every tenant would
/// get the same, so an operator must act (exit code 3) and the message says what to do.
/// </summary>
internal static class PartnerCenterRefusal
{
    /// <summary>Plain words and the fix when <paramref name="error"/> refuses the partner credential; else null.</summary>
    public static string? Describe(PartnerCenterException error) => error.Code switch
    {
        // "Mandatory multifactor authentication (MFA) for Partner Center APIs": since 2026-04-01 App+User calls
        // whose token carries no MFA claim get 401 with error code 900421.
        "900421" or "900419" =>
            $"Partner Center refused the partner admin's token because its sign-in had no multi-factor authentication (Partner Center {error.Code}; App+User calls require MFA since April 2026). " +
            "Run `runner consent` and complete the MFA prompt (the partner tenant must ask for MFA at that sign-in; a consent without MFA cannot be fixed by retrying).",
        "900420" =>
            $"Partner Center refused the token as invalid for it (Partner Center 900420): tokens for Partner Center must be issued in the partner tenant. " +
            "Check partner.tenant in runner.yaml names the partner tenant, then run `runner consent` again.",
        _ => null,
    };
}

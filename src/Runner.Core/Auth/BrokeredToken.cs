namespace Runner.Auth;

/// <summary>An access token with its tenant and expiry. ToString never shows the token.</summary>
internal sealed record BrokeredToken(string Value, DateTimeOffset ExpiresOn, string TenantId)
{
    public override string ToString() => $"token for {TenantId}, expires {ExpiresOn:u}";
}

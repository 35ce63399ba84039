namespace Runner.Sandbox.Identity;

/// <summary>A device code sign-in waiting for (or finished by) the person on the verification page.</summary>
internal sealed class DeviceAuthorization
{
    public required string UserCode { get; init; }

    /// <summary>The tenant segment the client asked on (GUID, domain, organizations or common).</summary>
    public required string Tenant { get; init; }

    public required Guid ClientId { get; init; }

    public required string Scope { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>pending, approved, declined or redeemed.</summary>
    public string Status { get; set; } = "pending";

    public Guid? UserId { get; set; }

    public bool Mfa { get; set; }
}

namespace Runner.Sandbox.Identity;

/// <summary>
/// How a person signs in to the sandbox as the partner admin. Documented values, not secrets: the sandbox is a
/// local stand-in and these only ever unlock fake data.
/// </summary>
public static class SandboxCredentials
{
    /// <summary>The partner admin's password on the sandbox sign-in page.</summary>
    public const string AdminPassword = "Sandbox-Admin-1!";

    /// <summary>The partner admin's authenticator secret (base32). Add it to any authenticator app to get the
    /// six-digit codes the MFA step asks for; or read the current code from GET /_sandbox/mfa.</summary>
    public const string TotpSecret = "RUNNERSANDBOXMFA";
}

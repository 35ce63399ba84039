namespace Runner.Auth;

/// <summary>
/// A token could not be had. The message is plain words with the fix; it never contains a token or secret.
/// <see cref="NeedsOperator"/> is true when the partner credential itself is broken (exit code 3), false when
/// only one customer tenant is affected.
/// </summary>
public sealed class TokenAcquisitionException : Exception
{
    public TokenAcquisitionException(AuthProblem problem, string tenant, string message, string? aadsts, bool needsOperator, Exception? inner = null)
        : base(message, inner)
    {
        Problem = problem;
        Tenant = tenant;
        Aadsts = aadsts;
        NeedsOperator = needsOperator;
    }

    public AuthProblem Problem { get; }

    /// <summary>The tenant the token was for.</summary>
    public string Tenant { get; }

    /// <summary>The Entra error code, e.g. AADSTS700082, when there was one.</summary>
    public string? Aadsts { get; }

    public bool NeedsOperator { get; }

    /// <summary>Whether a later attempt could succeed without anyone changing anything.</summary>
    public bool IsTransient => Problem == AuthProblem.ServiceUnavailable;
}

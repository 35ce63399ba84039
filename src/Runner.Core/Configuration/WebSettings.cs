namespace Runner.Configuration;

/// <summary>The operator console (runner.yaml `web:`).</summary>
/// <param name="Configured">True when runner.yaml has a `web:` section: `runner host` then serves the console too.</param>
/// <param name="Listen">Where the console listens. Default http://127.0.0.1:8080.</param>
/// <param name="PublicUrl">The address users browse to (sign-in redirects come back here). Default: <paramref name="Listen"/>.</param>
/// <param name="SignIn">Entra ID sign-in; null means none, and then the console listens on loopback only.</param>
/// <param name="Operators">Who may run, cancel, pause and resume: user names, group:OBJECT-ID or role:APP-ROLE.</param>
/// <param name="Viewers">Who may look: the same forms.</param>
internal sealed record WebSettings(bool Configured, Uri Listen, Uri PublicUrl, WebSignIn? SignIn, IReadOnlyList<string> Operators, IReadOnlyList<string> Viewers)
{
    public static readonly Uri DefaultListen = new("http://127.0.0.1:8080");

    public static WebSettings Default { get; } = new(false, DefaultListen, DefaultListen, null, ["role:Runner.Operator"], ["role:Runner.Viewer"]);
}

/// <summary>
/// The app registration browsers sign in with (a confidential web app in the partner tenant): its own, or, with
/// `signIn: partnerApp`, the partner application Runner already uses (one registration with the console's redirect
/// URI and app roles added).
/// </summary>
/// <param name="ClientSecret">A secret reference (secret:NAME or env:NAME), never the secret; null with partnerApp.</param>
internal sealed record WebSignIn(string? ClientId, string? ClientSecret)
{
    public static WebSignIn PartnerApp { get; } = new(null, null);

    public bool UsesPartnerApp => ClientId is null;
}

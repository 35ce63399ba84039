namespace Runner.Web.Access;

/// <summary>
/// Entra ID sign-in for the console, resolved from runner.yaml's web.signIn: the partner tenant's v2.0 authority,
/// the console's app registration, and the HTTP handler that trusts the cloud's CA (the sandbox's, when local).
/// </summary>
/// <param name="ClientSecret">Resolved from the secret store; registered with the redactor by the composer.</param>
internal sealed record ConsoleSignIn(Uri Authority, string ClientId, string ClientSecret, HttpMessageHandler Backchannel);

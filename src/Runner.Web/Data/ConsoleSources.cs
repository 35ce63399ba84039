using Runner.Auth;
using Runner.Configuration;
using Runner.History;
using Runner.Redaction;
using Runner.Scheduling;
using Runner.Secrets;
using Runner.Tenants;

namespace Runner.Web.Data;

/// <summary>
/// Everything the console reads and acts on, composed by the command that serves it (`runner web`, `runner host`):
/// the same stores the CLI uses, so the console never holds a second copy of anything.
/// </summary>
internal sealed class ConsoleSources
{
    public required RunnerConfig Config { get; init; }

    public required IRunHistory History { get; init; }

    /// <summary>Opens the scheduler store (jobs, next fires, triggers, pause and resume).</summary>
    public required Func<CancellationToken, Task<SchedulerClient>> OpenScheduler { get; init; }

    /// <summary>Whether a host serves the scheduler store now.</summary>
    public required Func<SchedulerClient, CancellationToken, Task<bool>> HostRunning { get; init; }

    /// <summary>The customer list as Runner last cached it (never a Partner Center call per page view).</summary>
    public required Func<CancellationToken, Task<IReadOnlyList<CustomerTenant>>> Tenants { get; init; }

    /// <summary>`runner auth status`.</summary>
    public required Func<CancellationToken, Task<CredentialStatus>> Credential { get; init; }

    /// <summary>Where API keys are kept (hashed): the configured secret store, shared by every node.</summary>
    public required ISecretStore Secrets { get; init; }

    public required SecretRedactor Redactor { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>Entra sign-in, when web.signIn is configured; null: loopback only, the local user is an operator.</summary>
    public Access.ConsoleSignIn? SignIn { get; init; }
}

using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Runtime;

namespace Runner.Scheduling;

/// <summary>
/// What a worker needs from its host program: the configuration, a session on the configured cloud (the CLI starts
/// the sandbox for cloud: sandbox, which Runner.Core never references), logging and redaction. Disposed with the run.
/// </summary>
internal interface IWorkerContext : IAsyncDisposable
{
    SessionServices Services { get; }

    SecretRedactor Redactor { get; }

    ILoggerFactory Logging { get; }

    RunnerSession? Session { get; }

    /// <summary>The snapshot the host validated when it names one, else runner.yaml itself.</summary>
    RunnerConfig LoadConfig(string? snapshot);

    Task<RunnerSession> OpenSessionAsync(RunnerConfig config, CancellationToken cancellationToken);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Runtime;

namespace Runner.Tests.Infrastructure;

/// <summary>Opens a <see cref="RunnerSession"/> on a workspace's runner.yaml, as the CLI does for a cloud: custom
/// project, for tests that drive Core directly (the executor, the job runner, the broker) against a sandbox.</summary>
public static class Sessions
{
    internal static async Task<RunnerSession> OpenAsync(Workspace workspace, TimeProvider? time = null, SecretRedactor? redactor = null, ILoggerFactory? logging = null)
    {
        var config = ConfigLoader.Load(workspace.Path("runner.yaml"), workspace.Environment);
        var services = new SessionServices(workspace.Environment, time ?? workspace.Time, logging ?? NullLoggerFactory.Instance, redactor ?? new SecretRedactor());
        return await RunnerSession.OpenAsync(config, CloudConnections.For(config), services, null, CancellationToken.None);
    }
}

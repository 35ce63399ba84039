using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Redaction;
using Runner.Runtime;

namespace Runner.Tests.Infrastructure;

/// <summary>Opens a Runner session on a workspace's runner.yaml (cloud: custom), as the CLI does, for tests that drive Core directly.</summary>
public static class Sessions
{
    internal static async Task<RunnerSession> OpenAsync(Workspace workspace, TimeProvider? time = null, SecretRedactor? redactor = null)
    {
        var config = ConfigLoader.Load(workspace.Path("runner.yaml"), workspace.Environment);
        var services = new SessionServices(workspace.Environment, time ?? workspace.Time, NullLoggerFactory.Instance, redactor ?? new SecretRedactor());
        return await RunnerSession.OpenAsync(config, CloudConnections.For(config), services, null, CancellationToken.None);
    }
}

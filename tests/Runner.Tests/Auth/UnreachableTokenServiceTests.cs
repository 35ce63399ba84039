using System.Net;
using System.Net.Sockets;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>The token endpoint cannot be reached (network down, a proxy refusing, a wrong login endpoint): the run says
/// so, names the endpoint's failure and fails like any service outage, never as "a bug in Runner".</summary>
public sealed class UnreachableTokenServiceTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_refused_connection_to_the_token_endpoint_is_reported_as_the_service_not_answering()
    {
        using var workspace = await new Workspace().WithSandboxAsync(sandbox.Host, "limits: { retryDelay: 10ms }");
        workspace.CopyJob("hello.csx");
        var closed = ClosedPort();
        var yaml = File.ReadAllText(workspace.Path("runner.yaml"))
            .Replace($"login: {sandbox.Host.BaseUri.AbsoluteUri}", $"login: https://127.0.0.1:{closed}/", StringComparison.Ordinal);
        workspace.Write("runner.yaml", yaml);

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", "all");

        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual(70, result.ExitCode);
        Assert.DoesNotContain("bug in Runner", result.ToString(), StringComparison.Ordinal);
        Assert.Contains("The token service did not answer", result.ToString(), StringComparison.Ordinal);
        Assert.Contains("Connection refused", result.ToString(), StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

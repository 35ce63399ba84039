using Runner.Sandbox;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox;

/// <summary>One sandbox per test class plus one Runner session on it, so tests use the clients a job script gets.</summary>
public sealed class SandboxSessionFixture : IAsyncLifetime
{
    private readonly SandboxFixture _sandbox = new();

    public SandboxHost Host => _sandbox.Host;

    internal SandboxSession Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _sandbox.InitializeAsync();
        Clients = await SandboxSession.OpenAsync(_sandbox.Host);
    }

    public async Task DisposeAsync()
    {
        await Clients.DisposeAsync();
        await _sandbox.DisposeAsync();
    }
}

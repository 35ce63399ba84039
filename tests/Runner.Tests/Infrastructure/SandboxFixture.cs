using Runner.Sandbox;

namespace Runner.Tests.Infrastructure;

/// <summary>One sandbox per test class: HTTPS on a random loopback port, data in a temp folder, every token recorded.</summary>
public class SandboxFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("runner-sandbox");

    public SandboxHost Host { get; private set; } = null!;

    protected virtual int Customers => 10;

    public virtual async Task InitializeAsync()
    {
        Host = await SandboxHost.StartAsync(new SandboxOptions
        {
            Customers = Customers,
            DataDirectory = _folder.Path,
            RecordIssuedTokens = true,
        });
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _folder.Dispose();
    }
}

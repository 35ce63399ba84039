using Runner.Sandbox;

namespace Runner.Tests.Infrastructure;

/// <summary>A sandbox of its own that records every token it issues, to prove none reaches a span, a log or an output.</summary>
public sealed class TokenRecordingSandbox : IAsyncLifetime
{
    private readonly TempFolder _data = new("runner-trace-sandbox");

    public SandboxHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await SandboxHost.StartAsync(new SandboxOptions { RecordIssuedTokens = true, DataDirectory = _data.Path });

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _data.Dispose();
    }
}

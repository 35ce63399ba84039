namespace Runner.Sandbox;

/// <summary>How to start the sandbox. Every property has a working default.</summary>
public sealed class SandboxOptions
{
    /// <summary>Seed for the generated partner, customers, users and subscriptions. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Number of customer tenants, 1 to 20,000. Default 10.</summary>
    public int Customers { get; set; } = 10;

    /// <summary>TCP port; 0 (the default) picks a free one on 127.0.0.1. A fixed port also listens on ::1.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Folder for the CA and token keys, so clients that trust the CA and tokens already issued keep working
    /// across restarts. Null (the default) keeps everything in memory and writes the CA to a temp file.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The real clock the sandbox clock runs ahead of. Default the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Keep every token issued, for leak scans in tests. Default off.</summary>
    public bool RecordIssuedTokens { get; set; }

    /// <summary>Faults present from the start; they can be changed later through <see cref="SandboxHost.Faults"/>.</summary>
    public Action<Hosting.SandboxFaults>? ConfigureFaults { get; set; }
}

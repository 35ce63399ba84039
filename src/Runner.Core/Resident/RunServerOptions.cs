namespace Runner.Resident;

/// <summary>How a run server listens and when it ends.</summary>
internal sealed record RunServerOptions(string Socket)
{
    /// <summary>Default 15 minutes: a server nobody uses goes away (as .NET's build server does), and a working
    /// session keeps it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

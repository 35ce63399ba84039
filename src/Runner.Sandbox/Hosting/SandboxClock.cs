namespace Runner.Sandbox.Hosting;

/// <summary>
/// The sandbox's own notion of now: real time plus an offset that tests and the admin endpoint can
/// advance, so "90 days without use" can be reached in a second.
/// </summary>
public sealed class SandboxClock : TimeProvider
{
    private readonly TimeProvider _inner;
    private long _offsetTicks;

    public SandboxClock(TimeProvider? inner = null) => _inner = inner ?? System;

    /// <summary>How far the sandbox runs ahead of the real clock.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Offset;

    /// <summary>Moves the sandbox clock forward (or back, with a negative span).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

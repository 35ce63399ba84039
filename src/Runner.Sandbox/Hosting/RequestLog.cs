using System.Collections.Concurrent;

namespace Runner.Sandbox.Hosting;

/// <summary>One API request as the sandbox saw it: enough to check client behaviour such as retries, never a token.</summary>
/// <param name="RequestId">The MS-RequestId header (Partner Center), if any.</param>
/// <param name="CorrelationId">The MS-CorrelationId header (Partner Center), if any.</param>
/// <param name="ClientRequestId">x-ms-client-request-id (Azure SDK) or client-request-id (MSAL, Graph), if any.</param>
public sealed record SandboxRequest(
    DateTimeOffset At,
    string Api,
    string Method,
    string Path,
    string? Tenant,
    int StatusCode,
    string? RequestId,
    string? CorrelationId,
    string? ClientRequestId);

/// <summary>The most recent API requests (up to <see cref="Capacity"/>), for tests that assert on what clients sent.</summary>
public sealed class RequestLog
{
    public const int Capacity = 20_000;

    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private readonly ConcurrentDictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The most requests to <paramref name="api"/> that were in progress at the same time since the last
    /// <see cref="ResetConcurrency"/>: what a client's concurrency limit allowed through.</summary>
    public int MaxConcurrent(string api) => _inFlight.TryGetValue(api, out var counter) ? Volatile.Read(ref counter.Max) : 0;

    public void ResetConcurrency()
    {
        foreach (var counter in _inFlight.Values)
        {
            Interlocked.Exchange(ref counter.Max, Volatile.Read(ref counter.Current));
        }
    }

    internal void Begin(string api)
    {
        var counter = _inFlight.GetOrAdd(api, _ => new InFlight());
        var now = Interlocked.Increment(ref counter.Current);
        int max;
        while (now > (max = Volatile.Read(ref counter.Max)) && Interlocked.CompareExchange(ref counter.Max, now, max) != max)
        {
        }
    }

    internal void End(string api)
    {
        if (_inFlight.TryGetValue(api, out var counter))
        {
            Interlocked.Decrement(ref counter.Current);
        }
    }

    public void Add(SandboxRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > Capacity && _requests.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<SandboxRequest> Snapshot() => _requests.ToArray();

    public void Clear() => _requests.Clear();

    private sealed class InFlight
    {
        public int Current;
        public int Max;
    }
}

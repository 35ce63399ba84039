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

    public void Add(SandboxRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > Capacity && _requests.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<SandboxRequest> Snapshot() => _requests.ToArray();

    public void Clear() => _requests.Clear();
}

namespace Runner.Clients.Http;

/// <summary>
/// Caps requests in flight to one API across every tenant of a run. It sits outside the retry loop, so a
/// request waiting out a Retry-After keeps its slot and a throttled API sees fewer requests, not more.
/// </summary>
internal sealed class ConcurrencyLimitHandler(SemaphoreSlim limit) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await limit.WaitAsync(cancellationToken);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            limit.Release();
        }
    }
}

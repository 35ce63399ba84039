namespace Runner.Clients.PartnerCenter;

/// <summary>
/// Adds Partner Center's request headers once per logical call, outside the retry loop, so a retried request
/// keeps its MS-RequestId (as Partner Center asks) and its MS-CorrelationId.
/// </summary>
internal sealed class PartnerCenterHeadersHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains("MS-RequestId"))
        {
            request.Headers.Add("MS-RequestId", Guid.NewGuid().ToString());
        }

        if (!request.Headers.Contains("MS-CorrelationId"))
        {
            request.Headers.Add("MS-CorrelationId", Guid.NewGuid().ToString());
        }

        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.ParseAdd("application/json");
        }

        return base.SendAsync(request, cancellationToken);
    }
}

using Azure.Core;
using Azure.Core.Pipeline;

namespace Runner.Clients.Http;

/// <summary>
/// The Azure SDK counterpart of <see cref="ConcurrencyLimitHandler"/>: added per call, before Azure.Core's retry
/// policy, so a request keeps its slot while it waits out a Retry-After.
/// </summary>
internal sealed class ConcurrencyLimitPolicy(SemaphoreSlim limit) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await limit.WaitAsync(message.CancellationToken);
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            limit.Release();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        limit.Wait(message.CancellationToken);
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            limit.Release();
        }
    }
}

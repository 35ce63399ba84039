using System.Text.Json.Nodes;

namespace Runner.Writes;

/// <summary>
/// In every client's pipeline (Graph, ARM, Partner Center, Tokens' HttpClients): lets reads through, and decides each
/// write by the tenant's <see cref="WriteLedger"/>: sent and audited, recorded and simulated (what-if), or refused
/// (read-only). Graph batches are opened so their writes are judged one by one. Outside a run (no ledger) it does
/// nothing. Sits above the retries where it can, so a retried write is one write; under ARM's retries a retry is
/// recognised by its client request id.
/// </summary>
internal sealed class WriteGateHandler : DelegatingHandler
{
    private static readonly string[] RetryKeyHeaders = ["x-ms-client-request-id"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var ledger = WriteLedger.Current;
        if (ledger is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        if (WriteClassifier.IsGraphBatch(request.Method, request.RequestUri))
        {
            return await new GraphBatchGate(ledger, base.SendAsync).SendAsync(request, cancellationToken);
        }

        if (!WriteClassifier.IsWrite(request.Method, request.RequestUri))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var call = $"{request.Method} {Clients.Http.FailedCallRecorder.Printable(request.RequestUri)}";
        if (ledger.Mode == WriteMode.ReadOnly)
        {
            throw ledger.Refuse(call);
        }

        var (body, hash, summary) = await WriteBodies.CaptureAsync(request.Content, ledger.Redactor, cancellationToken);
        var retryKey = RetryKeyHeaders.Select(h => request.Headers.TryGetValues(h, out var v) ? v.FirstOrDefault() : null).FirstOrDefault(v => v is not null);
        var simulated = ledger.Mode == WriteMode.WhatIf;
        var sequence = ledger.Add(n => new WriteRecord(n, ledger.Time.GetUtcNow(), Telemetry.RunnerTelemetry.Api(request.RequestUri), request.Method.Method,
            call[(request.Method.Method.Length + 1)..], null, null, TimeSpan.Zero, hash, body, summary, simulated), retryKey);
        if (simulated)
        {
            var response = SimulatedResponses.For(request, await ParseAsync(request.Content, cancellationToken));
            ledger.Answered(sequence, (int)response.StatusCode, null, TimeSpan.Zero);
            return response;
        }

        var started = ledger.Time.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            ledger.Answered(sequence, (int)response.StatusCode, RequestIds.Of(response), ledger.Time.GetElapsedTime(started));
            return response;
        }
        catch
        {
            // No answer (network, cancellation): the audit still shows the write was attempted.
            ledger.Answered(sequence, null, null, ledger.Time.GetElapsedTime(started));
            throw;
        }
    }

    private static async Task<JsonNode?> ParseAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return null;
        }

        try
        {
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            return bytes.Length == 0 ? null : JsonNode.Parse(bytes);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

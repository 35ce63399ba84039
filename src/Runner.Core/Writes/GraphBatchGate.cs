using System.Text;
using System.Text.Json.Nodes;

namespace Runner.Writes;

/// <summary>
/// A Graph JSON batch ("Combine multiple HTTP requests using JSON batching"): each request in it is judged as if it
/// were sent alone. Read-only: a batch with any write is refused, naming that write. What-if: the writes are
/// recorded and answered with simulated successes, the reads are sent as a smaller batch, and the two answers are
/// merged (a read that depended on a simulated write no longer waits for it). Otherwise each write is audited
/// with its own status from the batch's answer.
/// </summary>
internal sealed class GraphBatchGate(WriteLedger ledger, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
{
    private sealed record Item(JsonObject Request, string Id, string Method, Uri Url, bool IsWrite);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        JsonObject? batch = null;
        if (request.Content is not null)
        {
            try
            {
                batch = JsonNode.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken)) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                // Graph will refuse it; nothing in it can be judged.
            }
        }

        var items = (batch?["requests"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => (r, method: r["method"]?.GetValue<string>() ?? "GET", url: r["url"]?.GetValue<string>() ?? ""))
            .Select(x => new Item(x.r, x.r["id"]?.ToString() ?? "", x.method.ToUpperInvariant(), WriteClassifier.Resolve(uri, x.url), WriteClassifier.IsWrite(x.method, uri, x.url)))
            .ToList();
        var writes = items.Where(i => i.IsWrite).ToList();
        if (writes.Count == 0)
        {
            return await send(request, cancellationToken);
        }

        if (ledger.Mode == WriteMode.ReadOnly)
        {
            throw ledger.Refuse($"{Call(writes[0])} (in a Graph $batch)");
        }

        var simulated = ledger.Mode == WriteMode.WhatIf;
        var sequences = writes.ToDictionary(w => w.Id, w => Record(w, simulated));
        if (simulated)
        {
            return await SimulateAsync(request, items, sequences, cancellationToken);
        }

        var started = ledger.Time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await send(request, cancellationToken);
        }
        catch
        {
            foreach (var sequence in sequences.Values)
            {
                ledger.Answered(sequence, null, null, ledger.Time.GetElapsedTime(started));
            }

            throw;
        }

        var elapsed = ledger.Time.GetElapsedTime(started);
        var batchId = RequestIds.Of(response);
        var answers = await AnswersAsync(response, cancellationToken);
        foreach (var (id, sequence) in sequences)
        {
            var answer = answers.GetValueOrDefault(id);
            var itemId = answer?["headers"] is JsonObject headers
                ? RequestIds.Headers.Select(h => headers.FirstOrDefault(p => p.Key.Equals(h, StringComparison.OrdinalIgnoreCase)).Value?.ToString()).FirstOrDefault(v => v is not null)
                : null;
            ledger.Answered(sequence, answer?["status"]?.GetValue<int>() ?? (int)response.StatusCode, itemId ?? batchId, elapsed);
        }

        return response;
    }

    private int Record(Item write, bool simulated)
    {
        var (body, hash, summary) = WriteBodies.Describe(write.Request["body"], ledger.Redactor);
        return ledger.Add(n => new WriteRecord(n, ledger.Time.GetUtcNow(), "graph", write.Method, Clients.Http.FailedCallRecorder.Printable(write.Url),
            null, null, TimeSpan.Zero, hash, body, summary, simulated), retryKey: null);
    }

    private async Task<HttpResponseMessage> SimulateAsync(HttpRequestMessage request, List<Item> items, Dictionary<string, int> sequences, CancellationToken cancellationToken)
    {
        var responses = new JsonArray();
        foreach (var write in items.Where(i => i.IsWrite))
        {
            var (status, body) = SimulatedResponses.For("graph", write.Method, write.Url, write.Request["body"]);
            ledger.Answered(sequences[write.Id], status, null, TimeSpan.Zero);
            var answer = new JsonObject { ["id"] = write.Id, ["status"] = status, ["headers"] = new JsonObject { [SimulatedResponses.Header] = "simulated" } };
            if (body is not null)
            {
                answer["body"] = body;
                ((JsonObject)answer["headers"]!)["Content-Type"] = "application/json";
            }

            responses.Add(answer);
        }

        var reads = items.Where(i => !i.IsWrite).ToList();
        HttpResponseMessage? sent = null;
        if (reads.Count > 0)
        {
            var readIds = reads.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var forwarded = new JsonArray();
            foreach (var read in reads)
            {
                var copy = (JsonObject)read.Request.DeepClone();
                if (copy["dependsOn"] is JsonArray dependsOn)
                {
                    var kept = dependsOn.Select(d => d?.ToString()).Where(d => d is not null && readIds.Contains(d)).Select(d => (JsonNode?)d).ToArray();
                    copy.Remove("dependsOn");
                    if (kept.Length > 0)
                    {
                        copy["dependsOn"] = new JsonArray(kept);
                    }
                }

                forwarded.Add(copy);
            }

            request.Content = new StringContent(new JsonObject { ["requests"] = forwarded }.ToJsonString(), Encoding.UTF8, "application/json");
            sent = await send(request, cancellationToken);
            if (!sent.IsSuccessStatusCode)
            {
                return sent;
            }

            foreach (var answer in (await AnswersAsync(sent, cancellationToken)).Values)
            {
                responses.Add(answer.DeepClone());
            }
        }

        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StringContent(new JsonObject { ["responses"] = responses }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation(SimulatedResponses.Header, "simulated");
        sent?.Dispose();
        return response;
    }

    private static async Task<Dictionary<string, JsonObject>> AnswersAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var json = JsonNode.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return (json?["responses"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(r => r["id"] is not null)
                .GroupBy(r => r["id"]!.ToString())
                .ToDictionary(g => g.Key, g => g.First());
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private static string Call(Item item) => $"{item.Method} {Clients.Http.FailedCallRecorder.Printable(item.Url)}";
}

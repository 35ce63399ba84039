using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Runner.Tests.Telemetry;

/// <summary>A span as an OTLP collector receives it: ids in hex, name.</summary>
public sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name);

/// <summary>
/// An OTLP/HTTP collector for tests: Kestrel on a free port accepting POST /v1/traces (protobuf) and /v1/metrics,
/// reading just the span fields the tests check (the protobuf wire format, walked by hand: no generated code here).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public int MetricExports;

    public int LogExports;

    public Uri Endpoint => new(_app.Urls.First());

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            foreach (var span in ReadSpans(body.ToArray()))
            {
                receiver.Spans.Enqueue(span);
            }

            return Results.Ok();
        });
        app.MapPost("/v1/logs", () =>
        {
            Interlocked.Increment(ref receiver.LogExports);
            return Results.Ok();
        });
        app.MapPost("/v1/metrics", () =>
        {
            Interlocked.Increment(ref receiver.MetricExports);
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2) → Span.</summary>
    private static IEnumerable<ReceivedSpan> ReadSpans(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    string Hex(int field) => Fields(span, field).Select(Convert.ToHexString).FirstOrDefault()?.ToLowerInvariant() ?? "";
                    yield return new ReceivedSpan(Hex(1), Hex(2), Hex(4), Fields(span, 5).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault() ?? "");
                }
            }
        }
    }

    /// <summary>The length-delimited values of one field number in a protobuf message (other fields skipped).</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int number)
    {
        var position = 0;
        var found = new List<byte[]>();
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    Varint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    if (field == number)
                    {
                        found.Add(message[position..(position + length)]);
                    }

                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type in field {field}");
            }
        }

        return found;
    }

    private static ulong Varint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}

namespace Runner.Writes;

/// <summary>The request id a service put on its answer: what its support asks for.</summary>
internal static class RequestIds
{
    public static readonly string[] Headers = ["request-id", "x-ms-request-id", "MS-RequestId", "client-request-id", "x-ms-correlation-request-id", "MS-CorrelationId"];

    public static string? Of(HttpResponseMessage response) =>
        Headers.Select(h => response.Headers.TryGetValues(h, out var values) ? values.FirstOrDefault() : null).FirstOrDefault(v => v is not null);
}

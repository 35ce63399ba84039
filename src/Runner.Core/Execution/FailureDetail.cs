using System.Text;
using Runner.Clients.Http;

namespace Runner.Execution;

/// <summary>
/// The whole story of a failed tenant, for its log (and so for --verbose and `runner show`): the exception chain with
/// what each SDK knows (HTTP status, error code, request id), the script line, the last call that failed and how many
/// tries it had. The one-line error stays short; this is where an operator or a support ticket looks next.
/// </summary>
internal static class FailureDetail
{
    private const int MaxDepth = 8;

    public static string Describe(Exception error, RetryLedger ledger, string baseDirectory)
    {
        var text = new StringBuilder();
        var depth = 0;
        for (var current = Unwrap(error); current is not null && depth < MaxDepth; current = Unwrap(current.InnerException), depth++)
        {
            text.Append(depth == 0 ? "" : "\n  caused by ").Append(current.GetType().FullName).Append(": ").Append(FirstLine(current.Message)).Append(Facts(current));
        }

        if (ScriptErrorLocator.Locate(error) is var (file, line))
        {
            var relative = Path.GetRelativePath(baseDirectory, file);
            text.Append("\n  at ").Append(relative.StartsWith("..", StringComparison.Ordinal) ? file : relative).Append('(').Append(line).Append(')');
        }

        if (ledger.LastFailed is { } call)
        {
            text.Append("\n  last failed call: ").Append(call);
        }

        if (ledger.LastExhausted is { } gaveUp)
        {
            text.Append("\n  ").Append(gaveUp);
        }

        return text.ToString();
    }

    /// <summary>What the SDKs' own exceptions carry beyond their message.</summary>
    private static string Facts(Exception e) => e switch
    {
        Microsoft.Kiota.Abstractions.ApiException api => $" (HTTP {api.ResponseStatusCode}{Header(api.ResponseHeaders, "request-id")}{Header(api.ResponseHeaders, "client-request-id")})",
        Azure.RequestFailedException azure => $" (HTTP {azure.Status}{(string.IsNullOrEmpty(azure.ErrorCode) ? "" : $", code {azure.ErrorCode}")})",
        HttpRequestException { StatusCode: { } status } => $" (HTTP {(int)status})",
        _ => "",
    };

    private static string Header(IDictionary<string, IEnumerable<string>> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() is { } value ? $", {name} {value}" : "";

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('\r');

    private static Exception? Unwrap(Exception? exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        return exception is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : exception;
    }
}

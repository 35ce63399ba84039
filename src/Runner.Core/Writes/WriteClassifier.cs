namespace Runner.Writes;

/// <summary>
/// Which requests are writes: every POST, PUT, PATCH and DELETE, except the POSTs that Microsoft's APIs use to read
/// (they change nothing, so a what-if or read-only run lets them through). The exceptions are few and named, so an
/// unknown POST is always treated as a write.
/// </summary>
internal static class WriteClassifier
{
    /// <summary>Graph actions that read: "getByIds", "getMemberGroups", "checkMemberGroups", ... (directoryObject functions).</summary>
    private static readonly HashSet<string> GraphReadActions = new(StringComparer.OrdinalIgnoreCase)
    {
        "getByIds", "getMemberGroups", "getMemberObjects", "checkMemberGroups", "checkMemberObjects", "getUserOwnedObjects",
        "microsoft.graph.getByIds", "microsoft.graph.getMemberGroups", "microsoft.graph.getMemberObjects",
        "microsoft.graph.checkMemberGroups", "microsoft.graph.checkMemberObjects", "runHuntingQuery",
    };

    public static bool IsWrite(HttpMethod method, Uri? uri)
    {
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace)
        {
            return false;
        }

        if (method != HttpMethod.Post || uri is null)
        {
            return true;
        }

        var segments = uri.AbsolutePath.TrimEnd('/').Split('/');
        var last = segments[^1];
        return Telemetry.RunnerTelemetry.Api(uri) switch
        {
            // ARM's list* actions (listKeys, listSecrets, listConnectionStrings) and Resource Graph queries read.
            "arm" => !(last.StartsWith("list", StringComparison.OrdinalIgnoreCase) && segments.Length > 2
                       || uri.AbsolutePath.EndsWith("/providers/Microsoft.ResourceGraph/resources", StringComparison.OrdinalIgnoreCase)),
            "graph" => !GraphReadActions.Contains(last),
            _ => true,
        };
    }

    /// <summary>A Graph JSON batch (POST …/$batch): its writes are judged one by one.</summary>
    public static bool IsGraphBatch(HttpMethod method, Uri? uri) =>
        method == HttpMethod.Post && uri is not null && uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal)
        && Telemetry.RunnerTelemetry.Api(uri) == "graph";

    /// <summary>The same judgement for one request inside a batch (a method and a relative URL).</summary>
    public static bool IsWrite(string method, Uri batchUri, string relativeUrl) =>
        IsWrite(new HttpMethod(method.ToUpperInvariant()), Resolve(batchUri, relativeUrl));

    /// <summary>A batch item's URL made absolute against the batch's version root (…/v1.0/ or …/beta/).</summary>
    public static Uri Resolve(Uri batchUri, string relativeUrl)
    {
        var root = new Uri(batchUri, "./");
        return new Uri(root, relativeUrl.TrimStart('/'));
    }
}

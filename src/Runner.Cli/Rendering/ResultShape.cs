using System.Text.Json.Nodes;
using Runner.Execution;

namespace Runner.Cli.Rendering;

/// <summary>
/// Looks at the results of a run to choose a layout: flat objects become columns; lists of flat objects
/// (emitted rows) become rows of their own; anything else is shown as compact JSON.
/// </summary>
internal sealed class ResultShape
{
    private ResultShape(IReadOnlyList<string>? objectColumns, IReadOnlyList<string>? rowColumns)
    {
        ObjectColumns = objectColumns;
        RowColumns = rowColumns;
    }

    /// <summary>Columns when every result is a flat object; null otherwise.</summary>
    public IReadOnlyList<string>? ObjectColumns { get; }

    /// <summary>Columns when every result is a list of flat objects; null otherwise.</summary>
    public IReadOnlyList<string>? RowColumns { get; }

    public static ResultShape Of(IReadOnlyList<TenantOutcome> outcomes)
    {
        var results = outcomes.Select(o => o.Result).Where(r => r is not null).ToList();
        if (results.Count == 0)
        {
            return new ResultShape(null, null);
        }

        if (results.All(r => r is JsonObject o && IsFlat(o)))
        {
            return new ResultShape(Keys(results.Cast<JsonObject>()), null);
        }

        if (results.All(r => r is JsonArray a && a.All(item => item is JsonObject o && IsFlat(o))))
        {
            return new ResultShape(null, Keys(results.SelectMany(r => ((JsonArray)r!).Cast<JsonObject>())));
        }

        return new ResultShape(null, null);
    }

    /// <summary>A value as one cell of text.</summary>
    public static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    private static bool IsFlat(JsonObject o) => o.Count <= 12 && o.All(p => p.Value is null or JsonValue);

    private static List<string> Keys(IEnumerable<JsonObject> objects)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in objects)
        {
            foreach (var (key, _) in o)
            {
                if (seen.Add(key))
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }
}

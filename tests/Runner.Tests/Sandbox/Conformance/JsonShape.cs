using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>
/// Checks a response against a shape written down from Microsoft's documentation (TestData/Shapes, see its README):
/// required property names and JSON types, nested objects, and arrays whose every item has the item shape.
/// </summary>
internal static class JsonShape
{
    public static void AssertMatches(string shapeFile, JsonNode? actual)
    {
        var errors = Check(shapeFile, actual);
        Assert.True(errors.Count == 0, $"{shapeFile} does not match:\n  {string.Join("\n  ", errors)}\nresponse: {actual?.ToJsonString()}");
    }

    /// <summary>Every difference between <paramref name="actual"/> and the shape in <paramref name="shapeFile"/>.</summary>
    public static List<string> Check(string shapeFile, JsonNode? actual)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Shapes", shapeFile)))!.AsObject();
        var errors = new List<string>();
        var shape = spec["shape"]!;
        Check(shape, actual, "$", errors);
        if (spec["exact"]?.GetValue<bool>() == true)
        {
            Exact(shape.AsObject(), actual as JsonObject, "$", errors);
        }

        if (spec["exactItems"]?.GetValue<bool>() == true && shape["value"] is JsonArray itemShape && actual?["value"] is JsonArray items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                Exact(itemShape[0]!.AsObject(), items[i] as JsonObject, $"$.value[{i}]", errors);
            }
        }

        return errors;
    }

    private static void Check(JsonNode shape, JsonNode? actual, string path, List<string> errors)
    {
        switch (shape)
        {
            case JsonObject properties:
                if (actual is not JsonObject obj)
                {
                    errors.Add($"{path}: expected an object, found {Describe(actual)}");
                    return;
                }

                foreach (var (name, propertyShape) in properties)
                {
                    if (!obj.ContainsKey(name))
                    {
                        errors.Add($"{path}.{name}: missing");
                        continue;
                    }

                    Check(propertyShape!, obj[name], $"{path}.{name}", errors);
                }

                break;
            case JsonArray itemShape:
                if (actual is not JsonArray array)
                {
                    errors.Add($"{path}: expected an array, found {Describe(actual)}");
                    return;
                }

                if (array.Count == 0)
                {
                    errors.Add($"{path}: empty, so its items cannot be checked");
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Check(itemShape[0]!, array[i], $"{path}[{i}]", errors);
                }

                break;
            default:
                var type = shape.GetValue<string>();
                var nullable = type.EndsWith('?');
                type = type.TrimEnd('?');
                if (actual is null)
                {
                    if (!nullable)
                    {
                        errors.Add($"{path}: null, expected {type}");
                    }

                    return;
                }

                if (!IsType(actual, type))
                {
                    errors.Add($"{path}: expected {type}, found {Describe(actual)}");
                }

                break;
        }
    }

    private static void Exact(JsonObject shape, JsonObject? actual, string path, List<string> errors)
    {
        foreach (var name in actual?.Select(p => p.Key).Where(k => !shape.ContainsKey(k)) ?? [])
        {
            errors.Add($"{path}.{name}: not expected here (the documented response has exactly {string.Join(", ", shape.Select(p => p.Key))})");
        }
    }

    private static bool IsType(JsonNode value, string type)
    {
        var kind = value.GetValueKind();
        return type switch
        {
            "string" => kind == JsonValueKind.String,
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "array" => kind == JsonValueKind.Array,
            "object" => kind == JsonValueKind.Object,
            "guid" => kind == JsonValueKind.String && Guid.TryParse(value.GetValue<string>(), out _),
            "date-time" => kind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _),
            "url" => kind == JsonValueKind.String && Uri.TryCreate(value.GetValue<string>(), UriKind.Absolute, out _),
            _ => throw new InvalidOperationException($"Unknown shape type '{type}'."),
        };
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : $"{node.GetValueKind()} {node.ToJsonString()}";
}

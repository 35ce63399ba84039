using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Runner.Redaction;

namespace Runner.Execution;

/// <summary>
/// Turns what a script returned into JSON for tables, files and history. Graph models are written as Graph writes
/// them (through Kiota); everything else through System.Text.Json. Secrets are masked on the way. One instance per
/// run: the serializer caches metadata for the script's own types, which must not outlive its collectible context.
/// </summary>
internal sealed class ResultSerializer(SecretRedactor redactor)
{
    public const int MaxResultBytes = 4 * 1024 * 1024;

    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        MaxDepth = 32,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The result, or a <see cref="ResultException"/> saying why it cannot be stored.</summary>
    public JsonNode? ToJson(object? value)
    {
        if (value is null)
        {
            return null;
        }

        string json;
        try
        {
            json = value switch
            {
                IParsable parsable => Kiota(parsable),
                IEnumerable list and not string and not IDictionary when IsParsableList(list) =>
                    "[" + string.Join(',', list.Cast<IParsable>().Select(Kiota)) + "]",
                _ => JsonSerializer.Serialize(value, value.GetType(), _options),
            };
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ResultException(
                $"The script's result ({Describe(value)}) cannot be turned into JSON: {e.Message} Return plain values, records, anonymous objects, or lists and dictionaries of them.", e);
        }

        if (json.Length > MaxResultBytes)
        {
            throw new ResultException($"The script's result is {json.Length / 1024 / 1024} MB of JSON; the limit is {MaxResultBytes / 1024 / 1024} MB per tenant. Return a summary, or write large data to a file.");
        }

        return JsonNode.Parse(redactor.Redact(json));
    }

    private static bool IsParsableList(IEnumerable list)
    {
        var any = false;
        foreach (var item in list)
        {
            if (item is not IParsable)
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    private static string Kiota(IParsable parsable)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, parsable);
        using var stream = writer.GetSerializedContent();
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Describe(object value)
    {
        var type = value.GetType();
        return type.IsGenericType ? $"{type.Name.Split('`')[0]}<{string.Join(", ", type.GetGenericArguments().Select(a => a.Name))}>" : type.Name;
    }
}

/// <summary>A script's result cannot be stored; the message says why and what to return instead.</summary>
internal sealed class ResultException(string message, Exception? inner = null) : Exception(message, inner);

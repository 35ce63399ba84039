using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Runner.Redaction;

namespace Runner.Execution;

/// <summary>
/// Turns what a script returned (or emitted) into JSON for tables, files and history. Graph models are written as
/// Graph writes them (through Kiota); types Runner and the SDKs define go through System.Text.Json; the script's own
/// types (records, anonymous objects: anything from a collectible script assembly) and the lists and dictionaries
/// holding them are walked here by reflection. System.Text.Json would cache accessors for those types in process-wide
/// caches that only let go of them later, keeping an unloaded script's context alive. Secrets are masked on the way.
/// </summary>
internal sealed class ResultSerializer(SecretRedactor redactor)
{
    public const int MaxResultBytes = 4 * 1024 * 1024;
    private const int MaxDepth = 32;

    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        MaxDepth = MaxDepth,
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
            json = Convert(value, "$", 0, new HashSet<object>(ReferenceEqualityComparer.Instance))?.ToJsonString(_options) ?? "null";
        }
        catch (ResultException)
        {
            throw;
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ResultException(
                $"The script's result ({Describe(value)}) cannot be turned into JSON: {e.Message} Return plain values, records, anonymous objects, or lists and dictionaries of them.", e);
        }

        // A UTF-16 character is at most 3 bytes of UTF-8, so small results skip the count.
        if (json.Length * 3L > MaxResultBytes && System.Text.Encoding.UTF8.GetByteCount(json) is var bytes && bytes > MaxResultBytes)
        {
            throw new ResultException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The script's result is {bytes / 1048576.0:0.0} MB of JSON ({bytes:N0} bytes); the limit is {MaxResultBytes / 1048576.0:0.#} MB per tenant. Return a summary, or write large data to a file."));
        }

        return JsonNode.Parse(redactor.Redact(json));
    }

    private JsonNode? Convert(object? value, string path, int depth, HashSet<object> ancestors)
    {
        if (value is null)
        {
            return null;
        }

        if (depth > MaxDepth)
        {
            throw new ResultException($"The script's result is nested more than {MaxDepth} levels deep at {path}. Return a flatter shape.");
        }

        var type = value.GetType();
        switch (value)
        {
            case JsonNode node:
                return node.DeepClone();
            case JsonElement element:
                return JsonNode.Parse(element.GetRawText());
            case string or bool or char or Guid or DateTime or DateTimeOffset or DateOnly or TimeOnly or TimeSpan or Uri or Version:
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                return JsonSerializer.SerializeToNode(value, type, _options);
            case Enum:
                return JsonValue.Create(value.ToString());
            case IParsable parsable:
                return JsonNode.Parse(Kiota(parsable));
            case Type or MemberInfo or Delegate or Stream or Task or IntPtr or UIntPtr:
                throw new ResultException($"The script's result has a {Unsupported(value)} at {path}, which cannot be turned into JSON. Return plain values, records, anonymous objects, or lists and dictionaries of them.");
        }

        if (!IsCollectible(type) && !IsContainer(value))
        {
            return JsonSerializer.SerializeToNode(value, type, _options);
        }

        if (!type.IsValueType && !ancestors.Add(value))
        {
            return null;
        }

        try
        {
            return value switch
            {
                IDictionary dictionary => Dictionary(dictionary, path, depth, ancestors),
                IEnumerable list => List(list, path, depth, ancestors),
                _ => Object(value, type, path, depth, ancestors),
            };
        }
        finally
        {
            ancestors.Remove(value);
        }
    }

    private JsonObject Dictionary(IDictionary dictionary, string path, int depth, HashSet<object> ancestors)
    {
        var json = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = System.Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            json[key] = Convert(entry.Value, $"{path}.{key}", depth + 1, ancestors);
        }

        return json;
    }

    private JsonArray List(IEnumerable list, string path, int depth, HashSet<object> ancestors)
    {
        var json = new JsonArray();
        var index = 0;
        foreach (var item in list)
        {
            json.Add(Convert(item, $"{path}[{index++}]", depth + 1, ancestors));
        }

        return json;
    }

    private JsonObject Object(object value, Type type, string path, int depth, HashSet<object> ancestors)
    {
        var json = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null || property.IsDefined(typeof(JsonIgnoreAttribute)))
            {
                continue;
            }

            object? item;
            try
            {
                item = property.GetValue(value);
            }
            catch (TargetInvocationException e)
            {
                throw new ResultException($"Reading {path}.{property.Name} of the script's result failed: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}", e.InnerException);
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            json[name] = Convert(item, $"{path}.{name}", depth + 1, ancestors);
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            json[JsonNamingPolicy.CamelCase.ConvertName(field.Name)] = Convert(field.GetValue(value), $"{path}.{field.Name}", depth + 1, ancestors);
        }

        return json;
    }

    /// <summary>Lists and dictionaries are walked here, so the script types inside them never reach System.Text.Json.</summary>
    private static bool IsContainer(object value) => value is IEnumerable and not string;

    private static bool IsCollectible(Type type) =>
        type.Assembly.IsCollectible
        || (type.IsGenericType && type.GetGenericArguments().Any(IsCollectible))
        || (type.HasElementType && IsCollectible(type.GetElementType()!));

    private static string Kiota(IParsable parsable)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, parsable);
        using var stream = writer.GetSerializedContent();
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Unsupported(object value) => value switch
    {
        Type => "System.Type",
        MemberInfo => "reflection object",
        Delegate => "delegate",
        Stream => "stream",
        Task => "task (await it)",
        _ => value.GetType().Name,
    };

    private static string Describe(object value)
    {
        var type = value.GetType();
        if (type.Name.Contains("AnonymousType", StringComparison.Ordinal))
        {
            return "an anonymous object";
        }

        return type.IsGenericType ? $"{type.Name.Split('`')[0]}<{string.Join(", ", type.GetGenericArguments().Select(a => a.Name))}>" : type.Name;
    }
}

/// <summary>A script's result cannot be stored; the message says why and what to return instead.</summary>
internal sealed class ResultException(string message, Exception? inner = null) : Exception(message, inner);

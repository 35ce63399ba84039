using System.ComponentModel;
using System.Globalization;

namespace Runner.Scripting;

/// <summary>
/// The <c>Params</c> global: job parameters from <c>--param key=value</c> (which wins) and runner.yaml's
/// <c>params:</c>. Typed getters convert text with the invariant culture and name the parameter in any error.
/// </summary>
public sealed class JobParameters
{
    private readonly IReadOnlyDictionary<string, string> _values;

    /// <summary>Parameters by name (names are compared without regard to case).</summary>
    public JobParameters(IReadOnlyDictionary<string, string> values) =>
        _values = new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);

    /// <summary>The parameter names given.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>The raw text of a parameter, or null.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether the parameter was given at all.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The parameter converted to <typeparamref name="T"/>, or <paramref name="defaultValue"/> when it is not given.</summary>
    /// <example><code>var days = Params.Get&lt;int&gt;("days", 90);</code></example>
    public T Get<T>(string name, T defaultValue) => _values.TryGetValue(name, out var text) ? Convert<T>(name, text) : defaultValue;

    /// <summary>The parameter converted to <typeparamref name="T"/>; an error naming it when it is missing.</summary>
    public T Get<T>(string name) => _values.TryGetValue(name, out var text)
        ? Convert<T>(name, text)
        : throw new JobParameterException(name, $"The job parameter '{name}' is required. Pass it with --param {name}=<value> or set it under params: in runner.yaml.");

    /// <summary>A comma-separated parameter as a list (empty when not given).</summary>
    public IReadOnlyList<T> GetList<T>(string name) => _values.TryGetValue(name, out var text)
        ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item => Convert<T>(name, item)).ToList()
        : [];

    private static T Convert<T>(string name, string text)
    {
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            object value = target switch
            {
                _ when target == typeof(string) => text,
                _ when target == typeof(bool) => ParseBool(text),
                _ when target == typeof(TimeSpan) => Configuration.DurationParser.TryParse(text, out var span) ? span : throw new FormatException(),
                _ when target == typeof(DateTimeOffset) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                _ when target == typeof(Guid) => Guid.Parse(text),
                _ when target == typeof(int) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
                _ when target == typeof(long) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
                _ when target == typeof(double) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                _ when target == typeof(decimal) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture),
                _ when target.IsEnum => Enum.Parse(target, text, ignoreCase: true),
                _ => TypeDescriptor.GetConverter(target).ConvertFromInvariantString(text)!,
            };
            return (T)value;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException or NotSupportedException)
        {
            throw new JobParameterException(name, $"The job parameter '{name}' is '{text}', which is not a valid {Describe(target)}.");
        }
    }

    private static bool ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" or "on" => true,
        "false" or "no" or "0" or "off" => false,
        _ => throw new FormatException(),
    };

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) => "whole number",
        _ when type == typeof(double) || type == typeof(decimal) => "number",
        _ when type == typeof(bool) => "true/false value",
        _ when type == typeof(TimeSpan) => "duration (e.g. 00:30:00, 90s, 7d)",
        _ when type == typeof(DateTimeOffset) => "date (e.g. 2026-01-31)",
        _ when type.IsEnum => $"{type.Name} ({string.Join(", ", Enum.GetNames(type))})",
        _ => type.Name,
    };

    /// <summary>Parses "key=value" pairs as given on the command line.</summary>
    public static IReadOnlyDictionary<string, string> ParsePairs(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new JobParameterException(pair, $"--param expects key=value, found '{pair}'.");
            }

            result[pair[..equals].Trim()] = pair[(equals + 1)..];
        }

        return result;
    }
}

/// <summary>A job parameter is missing or malformed; the message names it.</summary>
public sealed class JobParameterException(string name, string message) : Exception(message)
{
    /// <summary>The parameter at fault.</summary>
    public string Parameter { get; } = name;
}

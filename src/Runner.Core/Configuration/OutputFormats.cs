namespace Runner.Configuration;

/// <summary>The format a results file's name asks for.</summary>
internal static class OutputFormats
{
    /// <summary>CSV for *.csv, JSON for *.json, otherwise null (the configured default applies).</summary>
    public static OutputFormat? FromExtension(string? path) => Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".csv" => OutputFormat.Csv,
        ".json" => OutputFormat.Json,
        _ => null,
    };
}

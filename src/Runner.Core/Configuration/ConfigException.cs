namespace Runner.Configuration;

/// <summary>A configuration error that names where it is: file, line, column and key.</summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(string source, int line, int column, string key, string problem)
        : base(Format(source, line, column, key, problem))
    {
        Source = source;
        Line = line;
        Column = column;
        Key = key;
        Problem = problem;
    }

    /// <summary>The file path, or the environment variable that supplied the value.</summary>
    public new string Source { get; }

    public int Line { get; }

    public int Column { get; }

    public string Key { get; }

    public string Problem { get; }

    private static string Format(string source, int line, int column, string key, string problem)
    {
        var where = line > 0 ? $"{source}({line},{column})" : source;
        return key.Length > 0 ? $"{where}: error: '{key}': {problem}" : $"{where}: error: {problem}";
    }
}

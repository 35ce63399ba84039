namespace Runner.Scripting;

/// <summary>
/// The <c>Secrets</c> global: the secrets runner.yaml grants this job (<c>jobs.NAME.secrets: [name, ...]</c>, or
/// <c>--secret name</c> for an ad-hoc run), read from the configured secret store once, before any tenant runs.
/// Their values are masked wherever Runner writes: logs, console, results, history, error messages.
/// </summary>
/// <example><code>
/// var apiKey = Secrets["itglue-api-key"];
/// var http = new HttpClient { DefaultRequestHeaders = { { "x-api-key", apiKey } } };
/// </code></example>
public sealed class JobSecrets
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly string _job;

    internal JobSecrets(IReadOnlyDictionary<string, string> values, string job)
    {
        _values = values;
        _job = job;
    }

    internal static JobSecrets None(string job) => new(new Dictionary<string, string>(), job);

    /// <summary>The names granted to this job.</summary>
    public IReadOnlyCollection<string> Names => [.. _values.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The value of the granted secret <paramref name="name"/>; a name not granted throws <see cref="JobSecretException"/>.</summary>
    public string this[string name] => Get(name);

    /// <summary>The value of the granted secret <paramref name="name"/>; a name not granted throws <see cref="JobSecretException"/>.</summary>
    public string Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_values.TryGetValue(name, out var value))
        {
            return value;
        }

        var granted = _values.Count == 0 ? "It is granted none." : $"It is granted: {string.Join(", ", Names)}.";
        throw new JobSecretException(name,
            $"The secret '{name}' is not granted to the job '{_job}'. {granted} Grant it in runner.yaml (jobs.{_job}.secrets: [{name}]) or, for an ad-hoc run, pass --secret {name}.");
    }

    /// <summary>True when <paramref name="name"/> is granted to this job.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Never the values.</summary>
    public override string ToString() => $"Secrets ({string.Join(", ", Names)})";
}

/// <summary>A secret the job asked for and may not have: it names the secret and how to grant it.</summary>
public sealed class JobSecretException(string name, string message) : Exception(message)
{
    /// <summary>The secret asked for.</summary>
    public string Name { get; } = name;
}

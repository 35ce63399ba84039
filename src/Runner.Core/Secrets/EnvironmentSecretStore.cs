using System.Collections;

namespace Runner.Secrets;

/// <summary>
/// Read-only secrets from environment variables, for CI: the secret "partner-refresh-token" is read from
/// RUNNER_SECRET_PARTNER_REFRESH_TOKEN (upper case, '-' and '.' become '_').
/// </summary>
internal sealed class EnvironmentSecretStore(IDictionary environment) : ISecretStore
{
    public string Kind => "env";

    public string Location => "environment variables RUNNER_SECRET_*";

    public bool CanWrite => false;

    public static string VariableFor(string name) =>
        "RUNNER_SECRET_" + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());

    public ValueTask<StoredSecret?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var value = environment[VariableFor(name)] as string;
        return ValueTask.FromResult(string.IsNullOrEmpty(value)
            ? null
            : new StoredSecret(name, value, "env", DateTimeOffset.MinValue, new Dictionary<string, string>()));
    }

    public ValueTask<StoredSecret> SetAsync(string name, string value, IReadOnlyDictionary<string, string>? tags, string? expectedVersion, CancellationToken cancellationToken) =>
        throw new SecretStoreException($"The env secret store is read-only; '{name}' cannot be written. Set {VariableFor(name)} instead, or use store: local or keyvault.");
}

namespace Runner.Secrets;

/// <summary>Where secrets live: the local encrypted file, Azure Key Vault, or environment variables.</summary>
internal interface ISecretStore
{
    /// <summary>local, keyvault or env.</summary>
    string Kind { get; }

    /// <summary>Where, for status output: a file path or a vault URL. Never a secret.</summary>
    string Location { get; }

    bool CanWrite { get; }

    ValueTask<StoredSecret?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a new version. When <paramref name="expectedVersion"/> is given and the stored version differs,
    /// throws <see cref="SecretConflictException"/> so a caller never overwrites a newer value it has not seen.
    /// </summary>
    ValueTask<StoredSecret> SetAsync(string name, string value, IReadOnlyDictionary<string, string>? tags, string? expectedVersion, CancellationToken cancellationToken);
}

/// <summary>A secret and what is known about it.</summary>
internal sealed record StoredSecret(string Name, string Value, string Version, DateTimeOffset UpdatedOn, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Never the value: records end up in logs by accident.</summary>
    public override string ToString() => $"{Name} (version {Version}, updated {UpdatedOn:u})";
}

internal sealed class SecretConflictException(string name) :
    Exception($"The secret '{name}' was changed by another process since it was read.");

internal sealed class SecretStoreException(string message, Exception? inner = null) : Exception(message, inner);

using System.Collections;

namespace Runner.Secrets;

/// <summary>Turns runner.yaml's references (secret:NAME, env:NAME) into values, with errors that name the key.</summary>
internal sealed class SecretResolver(ISecretStore store, IDictionary environment)
{
    public async ValueTask<string> ResolveAsync(string reference, string configKey, CancellationToken cancellationToken)
    {
        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            var variable = reference[4..];
            return environment[variable] as string is { Length: > 0 } value
                ? value
                : throw new SecretStoreException($"runner.yaml '{configKey}' refers to the environment variable {variable}, which is not set.");
        }

        if (reference.StartsWith("secret:", StringComparison.Ordinal))
        {
            var name = reference[7..];
            var secret = await store.GetAsync(name, cancellationToken);
            return secret?.Value ?? throw new SecretStoreException(
                $"runner.yaml '{configKey}' refers to the secret '{name}', which is not in the {store.Kind} secret store ({store.Location}). " +
                $"Add it with `runner secret set {name}`.");
        }

        throw new SecretStoreException($"runner.yaml '{configKey}' must be secret:NAME or env:NAME.");
    }
}

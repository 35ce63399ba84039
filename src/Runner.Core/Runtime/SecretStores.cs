using System.Collections;
using Runner.Configuration;
using Runner.Secrets;
using Runner.State;

namespace Runner.Runtime;

/// <summary>Creates the secret store runner.yaml asks for.</summary>
internal static class SecretStores
{
    public static ISecretStore Create(RunnerConfig config, StateDirectory state, IDictionary environment, TimeProvider time, Func<Uri, ISecretStore>? keyVault)
    {
        return config.Secrets.Store switch
        {
            SecretStoreKind.Local => new LocalSecretStore(state, KeyFile(config, state), environment, time),
            SecretStoreKind.Environment => new EnvironmentSecretStore(environment),
            SecretStoreKind.KeyVault => keyVault?.Invoke(config.Secrets.Vault!) ?? throw new SecretStoreException("The Key Vault secret store is not available in this build."),
            _ => throw new ArgumentOutOfRangeException(nameof(config)),
        };
    }

    public static string KeyFile(RunnerConfig config, StateDirectory state) =>
        config.Secrets.KeyFile is { } file ? config.Resolve(file) : state.StoreKeyFile;
}

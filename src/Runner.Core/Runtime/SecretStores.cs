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
            SecretStoreKind.KeyVault => keyVault?.Invoke(config.Secrets.Vault!) ?? throw new SecretStoreException(
                config.Cloud.Kind == CloudKind.Sandbox
                    ? "secrets: store: keyvault cannot be used with cloud: sandbox (its vault moves with each start). Start `runner sandbox --port P` and point cloud: custom and secrets.vault at it, or use store: local."
                    : "The Key Vault secret store needs a cloud connection here."),
            _ => throw new ArgumentOutOfRangeException(nameof(config)),
        };
    }

    /// <summary>How a session opens Key Vault: Azure.Security.KeyVault.Secrets on the shared HTTP stack, signed in with Runner's credential chain.</summary>
    public static Func<Uri, ISecretStore> KeyVault(CloudConnection cloud, Http.CloudHttp http, IDictionary environment) =>
        vault => KeyVaultSecretStore.Create(vault, cloud.Endpoints, http, environment);

    public static string KeyFile(RunnerConfig config, StateDirectory state) =>
        config.Secrets.KeyFile is { } file ? config.Resolve(file) : state.StoreKeyFile;
}

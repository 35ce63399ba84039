using System.Collections;
using System.Security.Cryptography;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Secrets;

/// <summary>The local store (AES-GCM file and key, both owner-only, or the key from RUNNER_STORE_KEY) and the read-only env store.</summary>
public sealed class SecretStoreTests
{
    [Fact]
    public async Task The_local_store_encrypts_to_owner_only_files_and_keeps_the_key_apart()
    {
        using var folder = new TempFolder();
        var state = new StateDirectory(folder.Combine(".runner"));
        var store = new LocalSecretStore(state, state.StoreKeyFile, new Hashtable(), TimeProvider.System);

        await store.SetAsync("app-secret", "plain-text-value-123", new Dictionary<string, string> { ["source"] = "test" }, null, CancellationToken.None);
        var read = await store.GetAsync("app-secret", CancellationToken.None);

        Assert.Equal("plain-text-value-123", read!.Value);
        Assert.DoesNotContain("plain-text-value-123", File.ReadAllText(state.SecretsFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state.SecretsFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state.StoreKeyFile));
        }
    }

    [Fact]
    public async Task With_RUNNER_STORE_KEY_no_key_file_is_written_and_another_key_cannot_read()
    {
        using var folder = new TempFolder();
        var state = new StateDirectory(folder.Combine(".runner"));
        var environment = new Hashtable { ["RUNNER_STORE_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        await new LocalSecretStore(state, state.StoreKeyFile, environment, TimeProvider.System).SetAsync("x", "value-for-x", null, null, CancellationToken.None);
        var other = new Hashtable { ["RUNNER_STORE_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => new LocalSecretStore(state, state.StoreKeyFile, other, TimeProvider.System).GetAsync("x", CancellationToken.None).AsTask());

        Assert.False(File.Exists(state.StoreKeyFile));
        Assert.Contains("cannot be decrypted", error.Message);
    }

    [Fact]
    public async Task The_env_store_reads_RUNNER_SECRET_variables_and_refuses_writes()
    {
        var store = new EnvironmentSecretStore(new Hashtable { ["RUNNER_SECRET_PARTNER_REFRESH_TOKEN"] = "from-the-environment" });

        var read = await store.GetAsync("partner-refresh-token", CancellationToken.None);
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.SetAsync("partner-refresh-token", "x", null, null, CancellationToken.None).AsTask());

        Assert.Equal("from-the-environment", read!.Value);
        Assert.False(store.CanWrite);
        Assert.Contains("read-only", error.Message);
    }
}

using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Runner.State;

namespace Runner.Secrets;

/// <summary>
/// Secrets in one AES-GCM encrypted file in the state folder (mode 0600); the key lives in a separate 0600 file
/// or in RUNNER_STORE_KEY. Writers take a file lock, re-read, change and rename, so concurrent processes never
/// lose each other's writes.
/// </summary>
internal sealed class LocalSecretStore(StateDirectory state, string keyFile, IDictionary environment, TimeProvider time) : ISecretStore
{
    private static readonly byte[] Purpose = "runner-secrets-v1"u8.ToArray();
    private byte[]? _key;

    public string Kind => "local";

    public string Location => state.SecretsFile;

    public bool CanWrite => true;

    public async ValueTask<StoredSecret?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (!File.Exists(state.SecretsFile))
        {
            return null;
        }

        // Writers replace the file in one rename, so a reader sees the old contents or the new, never half of either:
        // reading needs no lock. (Many workers open their sessions at the same instant; behind one lock, each waited
        // for the others.) On Windows a reader holding the file open would make the writer's replace fail, so there
        // readers still take the lock.
        if (!OperatingSystem.IsWindows())
        {
            return Read().TryGetValue(name, out var unlocked) ? unlocked.ToSecret(name) : null;
        }

        using (await FileLock.AcquireAsync(state.SecretsLock, TimeSpan.FromSeconds(30), cancellationToken))
        {
            return Read().TryGetValue(name, out var entry) ? entry.ToSecret(name) : null;
        }
    }

    public async ValueTask<StoredSecret> SetAsync(string name, string value, IReadOnlyDictionary<string, string>? tags, string? expectedVersion, CancellationToken cancellationToken)
    {
        state.Ensure();
        using (await FileLock.AcquireAsync(state.SecretsLock, TimeSpan.FromSeconds(30), cancellationToken))
        {
            var all = File.Exists(state.SecretsFile) ? Read() : new Dictionary<string, Entry>(StringComparer.Ordinal);
            all.TryGetValue(name, out var current);
            if (expectedVersion is not null && current is not null && current.Version != expectedVersion)
            {
                throw new SecretConflictException(name);
            }

            var entry = new Entry(value, Guid.NewGuid().ToString("N"), time.GetUtcNow(), tags is null ? [] : new Dictionary<string, string>(tags));
            all[name] = entry;
            var plain = JsonSerializer.SerializeToUtf8Bytes(all, LocalSecretStoreJson.Default.DictionaryStringEntry);
            AtomicFile.Write(state.SecretsFile, Sealing.Seal(plain, Key(create: true), Purpose), ownerOnly: true);
            return entry.ToSecret(name);
        }
    }

    private Dictionary<string, Entry> Read()
    {
        var data = File.ReadAllBytes(state.SecretsFile);
        var plain = Sealing.Open(data, Key(create: false), Purpose)
            ?? throw new SecretStoreException($"The secret store {state.SecretsFile} cannot be decrypted: it is damaged or was written with another key. Restore the key file or RUNNER_STORE_KEY, or delete the file and run `runner consent` again.");
        try
        {
            return JsonSerializer.Deserialize(plain, LocalSecretStoreJson.Default.DictionaryStringEntry) ?? new Dictionary<string, Entry>(StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new SecretStoreException($"The secret store {state.SecretsFile} is damaged. Delete it and run `runner consent` again.", e);
        }
    }

    private byte[] Key(bool create) => _key ??= StoreKey.Load(keyFile, environment, create);

    internal sealed record Entry(string Value, string Version, DateTimeOffset Updated, Dictionary<string, string> Tags)
    {
        public StoredSecret ToSecret(string name) => new(name, Value, Version, Updated, Tags);
    }
}

/// <summary>Source-generated: every command reads the store, and reflection-based JSON costs each process its start-up.</summary>
[JsonSerializable(typeof(Dictionary<string, LocalSecretStore.Entry>))]
internal sealed partial class LocalSecretStoreJson : JsonSerializerContext;

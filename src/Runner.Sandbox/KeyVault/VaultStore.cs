using System.Security.Cryptography;
using System.Text.Json;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.KeyVault;

/// <summary>One version of a secret, as Key Vault keeps it.</summary>
internal sealed record SecretVersion(
    string Name,
    string Version,
    string Value,
    string? ContentType,
    Dictionary<string, string> Tags,
    bool Enabled,
    long Created,
    long Updated,
    long? NotBefore,
    long? Expires);

/// <summary>
/// The sandbox vault's secrets, every version kept (newest last). With a data folder they survive restarts in one
/// file sealed with the sandbox's key, so `runner consent` and a later `runner run` see the same vault.
/// </summary>
internal sealed class VaultStore
{
    private const string FileName = "vault.bin";
    private readonly object _sync = new();
    private readonly Dictionary<string, List<SecretVersion>> _secrets;
    private readonly string? _path;
    private readonly SigningKeys _keys;

    public VaultStore(string? directory, SigningKeys keys)
    {
        _keys = keys;
        _path = directory is null ? null : Path.Combine(directory, FileName);
        _secrets = Load() ?? new Dictionary<string, List<SecretVersion>>(StringComparer.OrdinalIgnoreCase);
    }

    public SecretVersion Set(string name, string value, string? contentType, Dictionary<string, string> tags, bool enabled, long? notBefore, long? expires, DateTimeOffset now)
    {
        lock (_sync)
        {
            var unix = now.ToUnixTimeSeconds();
            var version = new SecretVersion(name, Guid.NewGuid().ToString("N"), value, contentType, tags, enabled, unix, unix, notBefore, expires);
            if (!_secrets.TryGetValue(name, out var versions))
            {
                _secrets[name] = versions = [];
            }

            versions.Add(version);
            Save();
            return version;
        }
    }

    /// <summary>The latest version, or a given one; null when there is no such secret.</summary>
    public SecretVersion? Get(string name, string? version)
    {
        lock (_sync)
        {
            if (!_secrets.TryGetValue(name, out var versions) || versions.Count == 0)
            {
                return null;
            }

            return string.IsNullOrEmpty(version)
                ? versions[^1]
                : versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The latest version of every secret, ordered by name (Key Vault lists in a stable order).</summary>
    public IReadOnlyList<SecretVersion> Latest()
    {
        lock (_sync)
        {
            return _secrets.Values.Where(v => v.Count > 0).Select(v => v[^1]).OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
        }
    }

    public IReadOnlyList<SecretVersion>? Versions(string name)
    {
        lock (_sync)
        {
            return _secrets.TryGetValue(name, out var versions) ? versions.ToList() : null;
        }
    }

    public IReadOnlyList<SecretVersion>? Delete(string name)
    {
        lock (_sync)
        {
            if (!_secrets.Remove(name, out var versions))
            {
                return null;
            }

            Save();
            return versions;
        }
    }

    private Dictionary<string, List<SecretVersion>>? Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return null;
        }

        try
        {
            var blob = File.ReadAllBytes(_path);
            var plain = new byte[blob.Length - 28];
            using (var aes = new AesGcm(_keys.SealKey, 16))
            {
                aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), plain, "vault"u8);
            }

            var loaded = JsonSerializer.Deserialize<Dictionary<string, List<SecretVersion>>>(plain);
            return loaded is null ? null : new Dictionary<string, List<SecretVersion>>(loaded, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is IOException or CryptographicException or JsonException or ArgumentException)
        {
            // A vault sealed with a replaced key is unreadable, like tokens issued before a key roll: start empty.
            return null;
        }
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        var plain = JsonSerializer.SerializeToUtf8Bytes(_secrets);
        var blob = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using (var aes = new AesGcm(_keys.SealKey, 16))
        {
            aes.Encrypt(blob.AsSpan(0, 12), plain, blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length, 16), "vault"u8);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllBytes(temp, blob);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, _path, overwrite: true);
    }
}

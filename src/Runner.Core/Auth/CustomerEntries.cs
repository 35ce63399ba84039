using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// The customer tenants' entries of MSAL's cache (access tokens and accounts of a realm other than the partner's),
/// taken out of the MSAL clients and kept as their UTF-8 JSON, with an index of the access tokens. MSAL
/// needs only the refresh token and the partner's own entries to redeem for any tenant, but would keep every token
/// it ever issued as a .NET string (twice the bytes) with its objects around it: at 10,000 tenants 30,000 tokens,
/// about 150 MB, plus the broker's own copies for the run. Here they take half that, are served without MSAL, and
/// are written back with the cache (<see cref="MsalCachePartitions.Combine"/>).
/// </summary>
internal sealed class CustomerEntries
{
    private const string AccessTokenSection = "AccessToken";

    // A customer tenant's id token says who signed in there, which Runner never asks: MSAL needs it for nothing when
    // redeeming, and it is a quarter of a 10,000-tenant cache (20 MB), so it is dropped rather than kept.
    private const string IdTokenSection = "IdToken";

    private readonly Lock _sync = new();
    private readonly Dictionary<(string Section, string Key), byte[]> _entries = [];
    private readonly Dictionary<string, List<AccessToken>> _tokens = new(StringComparer.OrdinalIgnoreCase);

    // A handful of distinct scope lists (one per resource) shared by every tenant's tokens.
    private readonly Dictionary<string, HashSet<string>> _scopeSets = new(StringComparer.Ordinal);
    private readonly Action<string, IReadOnlySet<string>>? _taken;

    /// <param name="taken">Told of each access token taken (its realm and scopes), outside any lock.</param>
    public CustomerEntries(Action<string, IReadOnlySet<string>>? taken = null) => _taken = taken;

    /// <summary>How many entries are held.</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Takes every entry of a realm other than <paramref name="homeTenant"/> out of <paramref name="cache"/> (MsalV3)
    /// and returns the rest, which is all MSAL needs to redeem the refresh token for any tenant. An entry held already
    /// under the same key is replaced: what MSAL wrote last is the newest. Id tokens taken are not kept.
    /// </summary>
    public byte[] TakeFrom(byte[] cache, string homeTenant)
    {
        var json = cache.AsSpan();
        var taken = new List<(string Section, string Key, byte[] Value)>();
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, cache.Length / 4));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            string? open = null;
            foreach (var entry in MsalJson.Entries(json))
            {
                if (entry.Section != open)
                {
                    if (open is not null)
                    {
                        writer.WriteEndObject();
                    }

                    open = null;
                    if (entry.Key is null)
                    {
                        writer.WritePropertyName(entry.Section);
                        writer.WriteRawValue(entry.Value(json), skipInputValidation: true);
                        continue;
                    }

                    open = entry.Section;
                    writer.WriteStartObject(entry.Section);
                }

                var value = entry.Value(json);
                var realm = MsalJson.Field(value, "realm"u8);
                if (string.IsNullOrEmpty(realm) || string.Equals(realm, homeTenant, StringComparison.OrdinalIgnoreCase))
                {
                    writer.WritePropertyName(entry.Key!);
                    writer.WriteRawValue(value, skipInputValidation: true);
                }
                else if (entry.Section != IdTokenSection)
                {
                    taken.Add((entry.Section, entry.Key!, value.ToArray()));
                }
            }

            if (open is not null)
            {
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (taken.Count == 0)
        {
            return cache;
        }

        var indexed = new List<AccessToken>();
        lock (_sync)
        {
            foreach (var (section, key, value) in taken)
            {
                _entries[(section, key)] = value;
                if (section == AccessTokenSection && Index(key, value) is { } token)
                {
                    indexed.Add(token);
                }
            }
        }

        foreach (var token in indexed)
        {
            _taken?.Invoke(token.Realm, token.Scopes);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The access token of <paramref name="homeAccountId"/> for <paramref name="tenant"/> whose scopes include
    /// <paramref name="scope"/> and that is valid after <paramref name="validAfter"/>; the one valid longest.</summary>
    public BrokeredToken? Find(string tenant, string scope, string? homeAccountId, DateTimeOffset validAfter)
    {
        lock (_sync)
        {
            if (homeAccountId is null || !_tokens.TryGetValue(tenant, out var tokens))
            {
                return null;
            }

            AccessToken? best = null;
            foreach (var token in tokens)
            {
                if (token.ExpiresOn > validAfter && token.Scopes.Contains(scope) &&
                    string.Equals(token.Account, homeAccountId, StringComparison.OrdinalIgnoreCase) && (best is null || token.ExpiresOn > best.ExpiresOn))
                {
                    best = token;
                }
            }

            return best is null ? null : new BrokeredToken(best.Secret(), best.ExpiresOn, best.Realm);
        }
    }

    /// <summary>Every entry held, for saving (the values are not copied: an entry is replaced, never changed).</summary>
    public List<(string Section, string Key, ReadOnlyMemory<byte> Value)> Entries()
    {
        lock (_sync)
        {
            return _entries.Select(e => (e.Key.Section, e.Key.Key, (ReadOnlyMemory<byte>)e.Value)).ToList();
        }
    }

    /// <summary>Indexes an access token entry (called under the lock); null for one the broker would not use.</summary>
    private AccessToken? Index(string key, byte[] entry)
    {
        if (AccessTokenEntry.Read(entry) is not { } read)
        {
            return null;
        }

        var (account, realm, target) = (read.Account, read.Realm, read.Target);
        if (realm is { Length: > 0 } && _tokens.TryGetValue(realm, out var held))
        {
            // A newer entry under the same key (MSAL's keys name the realm) replaces the one indexed.
            held.RemoveAll(t => t.Key == key);
        }

        if (account is null || !read.IsBearer || realm is not { Length: > 0 } || target is not { Length: > 0 } || !read.HasSecret ||
            !long.TryParse(read.ExpiresOn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        if (!_scopeSets.TryGetValue(target, out var scopes))
        {
            _scopeSets[target] = scopes = new HashSet<string>(target.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
        }

        // Pointing into the entry keeps no copy of the secret.
        var token = read.UnescapedSecret is { } unescaped
            ? new AccessToken(key, account, realm, scopes, unescaped, 0, unescaped.Length, DateTimeOffset.FromUnixTimeSeconds(seconds))
            : new AccessToken(key, account, realm, scopes, entry, read.SecretStart, read.SecretLength, DateTimeOffset.FromUnixTimeSeconds(seconds));
        if (!_tokens.TryGetValue(realm, out var list))
        {
            _tokens[realm] = list = [];
        }

        list.Add(token);
        return token;
    }

    private sealed record AccessToken(string Key, string Account, string Realm, HashSet<string> Scopes, byte[] Source, int Start, int Length, DateTimeOffset ExpiresOn)
    {
        public string Secret() => System.Text.Encoding.UTF8.GetString(Source, Start, Length);
    }
}

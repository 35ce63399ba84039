using System.Buffers;
using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// Splits MSAL's serialized cache (the documented MsalV3 JSON) into partitions by tenant, and puts partitions back
/// together. An entry with a realm (access token, id token, account of one tenant) goes to its tenant's partition;
/// the home tenant's entries and everything without a realm (the refresh token, app metadata) go to every one, so each
/// partition can redeem the refresh token on its own. Streams with Utf8JsonWriter: at 20,000 tokens the cache is
/// about 80 MB, and a JsonNode tree of it would take ten times that.
/// </summary>
internal static class MsalCachePartitions
{
    /// <summary>The partition of <paramref name="tenant"/> among <paramref name="count"/>: stable across processes.</summary>
    public static int Of(string tenant, int count)
    {
        // FNV-1a over the lower-cased name: string.GetHashCode differs per process.
        var hash = 2166136261u;
        foreach (var c in tenant)
        {
            hash = (hash ^ char.ToLowerInvariant(c)) * 16777619u;
        }

        return (int)(hash % (uint)count);
    }

    public static byte[][] Split(ReadOnlyMemory<byte> cache, string? homeTenant, int count)
    {
        var json = cache.Span;
        var buffers = new ArrayBufferWriter<byte>[count];
        var writers = new Utf8JsonWriter[count];
        for (var i = 0; i < count; i++)
        {
            buffers[i] = new ArrayBufferWriter<byte>();
            writers[i] = new Utf8JsonWriter(buffers[i]);
            writers[i].WriteStartObject();
        }

        string? open = null;
        foreach (var entry in MsalJson.Entries(json))
        {
            if (entry.Section != open)
            {
                if (open is not null)
                {
                    Array.ForEach(writers, w => w.WriteEndObject());
                }

                open = null;
                if (entry.Key is null)
                {
                    foreach (var writer in writers)
                    {
                        writer.WritePropertyName(entry.Section);
                        writer.WriteRawValue(entry.Value(json), skipInputValidation: true);
                    }

                    continue;
                }

                open = entry.Section;
                Array.ForEach(writers, w => w.WriteStartObject(entry.Section));
            }

            var value = entry.Value(json);
            var realm = MsalJson.Field(value, "realm"u8);
            if (string.IsNullOrEmpty(realm) || string.Equals(realm, homeTenant, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var writer in writers)
                {
                    writer.WritePropertyName(entry.Key!);
                    writer.WriteRawValue(value, skipInputValidation: true);
                }
            }
            else
            {
                var writer = writers[Of(realm, count)];
                writer.WritePropertyName(entry.Key!);
                writer.WriteRawValue(value, skipInputValidation: true);
            }
        }

        if (open is not null)
        {
            Array.ForEach(writers, w => w.WriteEndObject());
        }

        var parts = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            writers[i].WriteEndObject();
            writers[i].Dispose();
            parts[i] = buffers[i].WrittenSpan.ToArray();
        }

        return parts;
    }

    /// <summary>
    /// One cache from the partitions: each entry once (an entry several partitions hold, such as the home tenant's,
    /// the later-expiring, else the one of the partition that redeemed last), and the refresh token of the partition
    /// that redeemed last, the newest.
    /// </summary>
    public static MsalCachePieces Combine(IReadOnlyList<(byte[] Cache, DateTimeOffset RedeemedAt)> partitions, string? homeTenant,
        IReadOnlyCollection<(string Section, string Key, ReadOnlyMemory<byte> Value)>? customers = null)
    {
        // Newest first: of two entries under one key that expire alike, the first partition's wins.
        var ordered = partitions.Where(p => p.Cache.Length > 0).OrderByDescending(p => p.RedeemedAt).Select(p => p.Cache).ToList();
        var sections = new List<string>();
        var chosen = new Dictionary<(string Section, string? Key), ReadOnlyMemory<byte>>((customers?.Count ?? 0) + 64);
        var order = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        void Consider(string section, string? key, ReadOnlyMemory<byte> value)
        {
            if (!order.TryGetValue(section, out var keys))
            {
                sections.Add(section);
                order[section] = keys = [];
            }

            if (!chosen.TryGetValue((section, key), out var held))
            {
                chosen[(section, key)] = value;
                keys.Add(key);
            }
            else if (MsalJson.Seconds(value.Span, "expires_on"u8) > MsalJson.Seconds(held.Span, "expires_on"u8))
            {
                chosen[(section, key)] = value;
            }
        }

        foreach (var cache in ordered)
        {
            foreach (var entry in MsalJson.Entries(cache))
            {
                Consider(entry.Section, entry.Key, entry.Value((ReadOnlyMemory<byte>)cache));
            }
        }

        // Taken out of the clients before anything they hold now, so older than it.
        foreach (var (section, key, value) in customers ?? [])
        {
            Consider(section, key, value);
        }

        // Written as pieces: the entries stay where they are held, only the JSON around them is new.
        var output = new MsalCachePieces.Builder(chosen.Count);
        output.Raw("{"u8);
        for (var i = 0; i < sections.Count; i++)
        {
            if (i > 0)
            {
                output.Raw(","u8);
            }

            WriteSection(output, sections[i], order[sections[i]], chosen, homeTenant);
        }

        output.Raw("}"u8);
        return output.Build(RefreshTokens(order, chosen));
    }

    /// <summary>The refresh token section alone, as a cache of its own.</summary>
    private static byte[] RefreshTokens(Dictionary<string, List<string?>> order, Dictionary<(string Section, string? Key), ReadOnlyMemory<byte>> chosen)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (order.TryGetValue(RefreshTokenSection, out var keys))
            {
                writer.WriteStartObject(RefreshTokenSection);
                foreach (var key in keys.OfType<string>())
                {
                    writer.WritePropertyName(key);
                    writer.WriteRawValue(chosen[(RefreshTokenSection, key)].Span, skipInputValidation: true);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private const string RefreshTokenSection = "RefreshToken";

    private static void WriteSection(MsalCachePieces.Builder output, string section, List<string?> keys,
        Dictionary<(string Section, string? Key), ReadOnlyMemory<byte>> chosen, string? homeTenant)
    {
        output.Name(section);
        if (keys is [null])
        {
            output.Value(chosen[(section, null)]);
            return;
        }

        output.Raw("{"u8);
        var first = true;
        void Entry(string key, ReadOnlyMemory<byte> value)
        {
            if (!first)
            {
                output.Raw(","u8);
            }

            first = false;
            output.Name(key);
            output.Value(value);
        }

        var home = new System.Text.Json.Nodes.JsonObject();
        foreach (var key in keys.OfType<string>())
        {
            var value = chosen[(section, key)];
            if (section == "AccessToken" && homeTenant is not null &&
                string.Equals(MsalJson.Field(value.Span, "realm"u8), homeTenant, StringComparison.OrdinalIgnoreCase))
            {
                home[key] = System.Text.Json.Nodes.JsonNode.Parse(value.Span);
            }
            else
            {
                Entry(key, value);
            }
        }

        // The home tenant's tokens were renewed in one partition and copied stale in the others, perhaps under other
        // keys: keep one per scope, as MSAL would (a handful of entries, so a JsonObject is cheap here).
        MsalCacheRepair.RemoveOverlapping(home);
        foreach (var (key, value) in home)
        {
            var text = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(text))
            {
                value!.WriteTo(writer);
            }

            Entry(key, text.WrittenMemory);
        }

        output.Raw("}"u8);
    }
}

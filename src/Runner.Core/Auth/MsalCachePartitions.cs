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
        using var document = JsonDocument.Parse(cache);
        var buffers = new ArrayBufferWriter<byte>[count];
        var writers = new Utf8JsonWriter[count];
        for (var i = 0; i < count; i++)
        {
            buffers[i] = new ArrayBufferWriter<byte>();
            writers[i] = new Utf8JsonWriter(buffers[i]);
            writers[i].WriteStartObject();
        }

        foreach (var section in document.RootElement.EnumerateObject())
        {
            if (section.Value.ValueKind != JsonValueKind.Object)
            {
                foreach (var writer in writers)
                {
                    section.WriteTo(writer);
                }

                continue;
            }

            foreach (var writer in writers)
            {
                writer.WriteStartObject(section.Name);
            }

            foreach (var entry in section.Value.EnumerateObject())
            {
                var realm = entry.Value.ValueKind == JsonValueKind.Object && entry.Value.TryGetProperty("realm", out var r) ? r.GetString() : null;
                if (string.IsNullOrEmpty(realm) || string.Equals(realm, homeTenant, StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var writer in writers)
                    {
                        entry.WriteTo(writer);
                    }
                }
                else
                {
                    entry.WriteTo(writers[Of(realm, count)]);
                }
            }

            foreach (var writer in writers)
            {
                writer.WriteEndObject();
            }
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
    /// from the partition that redeemed last), and the refresh token of the partition that redeemed last, the newest.
    /// </summary>
    public static byte[] Combine(IReadOnlyList<(byte[] Cache, DateTimeOffset RedeemedAt)> partitions, string? homeTenant)
    {
        // Newest first: the first partition to write a key wins.
        var ordered = partitions.Where(p => p.Cache.Length > 0).OrderByDescending(p => p.RedeemedAt).ToList();
        var documents = ordered.Select(p => JsonDocument.Parse(p.Cache)).ToList();
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                var sections = new List<string>();
                foreach (var document in documents)
                {
                    foreach (var section in document.RootElement.EnumerateObject())
                    {
                        if (!sections.Contains(section.Name))
                        {
                            sections.Add(section.Name);
                        }
                    }
                }

                foreach (var name in sections)
                {
                    WriteSection(writer, name, documents, homeTenant);
                }

                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            documents.ForEach(d => d.Dispose());
        }
    }

    private static void WriteSection(Utf8JsonWriter writer, string name, List<JsonDocument> newestFirst, string? homeTenant)
    {
        var first = newestFirst.Select(d => d.RootElement.TryGetProperty(name, out var s) ? s : (JsonElement?)null).First(s => s is not null)!.Value;
        if (first.ValueKind != JsonValueKind.Object)
        {
            writer.WritePropertyName(name);
            first.WriteTo(writer);
            return;
        }

        // Every partition holds the home tenant's entries: its tokens may have been renewed in one partition only,
        // so of two entries under one key the later-expiring wins, else the newest partition's.
        var chosen = new Dictionary<string, JsonProperty>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var document in newestFirst)
        {
            if (!document.RootElement.TryGetProperty(name, out var section) || section.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var entry in section.EnumerateObject())
            {
                if (!chosen.TryGetValue(entry.Name, out var held))
                {
                    chosen[entry.Name] = entry;
                    order.Add(entry.Name);
                }
                else if (ExpiresOn(entry.Value) > ExpiresOn(held.Value))
                {
                    chosen[entry.Name] = entry;
                }
            }
        }

        writer.WriteStartObject(name);
        var home = new System.Text.Json.Nodes.JsonObject();
        foreach (var key in order)
        {
            var entry = chosen[key];
            if (name == "AccessToken" && homeTenant is not null && entry.Value.TryGetProperty("realm", out var realm) &&
                string.Equals(realm.GetString(), homeTenant, StringComparison.OrdinalIgnoreCase))
            {
                home[key] = System.Text.Json.Nodes.JsonNode.Parse(entry.Value.GetRawText());
            }
            else
            {
                entry.WriteTo(writer);
            }
        }

        // The home tenant's tokens were renewed in one partition and copied stale in the others, perhaps under other
        // keys: keep one per scope, as MSAL would (a handful of entries, so a JsonObject is cheap here).
        MsalCacheRepair.RemoveOverlapping(home);
        foreach (var (key, value) in home)
        {
            writer.WritePropertyName(key);
            value!.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static long ExpiresOn(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("expires_on", out var value) && value.ValueKind == JsonValueKind.String &&
        long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : 0;
}

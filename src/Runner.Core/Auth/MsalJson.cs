using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// Reads MSAL's serialized cache (MsalV3: sections of keyed entries) with Utf8JsonReader. JsonDocument would do,
/// but it rents its index from the shared array pool at the size of the input and the pool keeps it: 128 MB held for
/// the whole run after reading the cache of 10,000 tenants.
/// </summary>
internal static class MsalJson
{
    /// <summary>One entry: its section ("AccessToken", ...), its key (null for a section that is not an object),
    /// and where its value lies in the input.</summary>
    internal readonly record struct Entry(string Section, string? Key, int Start, int Length)
    {
        public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> cache) => cache.Slice(Start, Length);

        public ReadOnlyMemory<byte> Value(ReadOnlyMemory<byte> cache) => cache.Slice(Start, Length);
    }

    /// <summary>Every entry of every section (or of <paramref name="only"/> that section), in order. Throws
    /// JsonException when the input is not a JSON object.</summary>
    public static List<Entry> Entries(ReadOnlySpan<byte> cache, string? only = null)
    {
        var entries = new List<Entry>();
        var reader = new Utf8JsonReader(cache);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("MSAL's token cache is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var section = reader.GetString()!;
            reader.Read();
            if (only is not null && section != only)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                entries.Add(Take(ref reader, section, null));
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                entries.Add(Take(ref reader, section, key));
            }
        }

        return entries;
    }

    /// <summary>A string field of an entry's value (an object), or null.</summary>
    public static string? Field(ReadOnlySpan<byte> entry, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(entry);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>A field that holds a number of seconds as text (MSAL writes "expires_on" so); 0 when absent.</summary>
    public static long Seconds(ReadOnlySpan<byte> entry, ReadOnlySpan<byte> name) =>
        long.TryParse(Field(entry, name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static Entry Take(ref Utf8JsonReader reader, string section, string? key)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new Entry(section, key, start, (int)reader.BytesConsumed - start);
    }
}

using System.Text.Json;

namespace Runner.Auth;

/// <summary>
/// The fields of one access token entry of MSAL's serialized cache (MsalV3) that Runner's token indexes need, read in
/// one pass. The secret is given as where it lies in the entry, so an index can point into the entry or copy it.
/// </summary>
internal sealed record AccessTokenEntry(string? Account, string? Client, string? Type, string? Realm, string? Target, string? ExpiresOn,
    int SecretStart, int SecretLength, byte[]? UnescapedSecret)
{
    public static AccessTokenEntry? Read(ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(entry);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? account = null, client = null, type = null, realm = null, target = null, expiresOn = null;
        var (start, length) = (0, 0);
        byte[]? unescaped = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var field = name.SequenceEqual("home_account_id"u8) ? 1 : name.SequenceEqual("client_id"u8) ? 2 : name.SequenceEqual("token_type"u8) ? 3 :
                name.SequenceEqual("realm"u8) ? 4 : name.SequenceEqual("secret"u8) ? 5 : name.SequenceEqual("target"u8) ? 6 : name.SequenceEqual("expires_on"u8) ? 7 : 0;
            reader.Read();
            if (field == 0 || reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                continue;
            }

            if (field == 5)
            {
                // Tokens are base64url and dots: no escapes, so the bytes are the token.
                if (reader.ValueIsEscaped)
                {
                    unescaped = System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
                }
                else
                {
                    (start, length) = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                }

                continue;
            }

            var value = reader.GetString();
            switch (field)
            {
                case 1: account = value; break;
                case 2: client = value; break;
                case 3: type = value; break;
                case 4: realm = value; break;
                case 6: target = value; break;
                default: expiresOn = value; break;
            }
        }

        return new AccessTokenEntry(account, client, type, realm, target, expiresOn, start, length, unescaped);
    }

    /// <summary>True when the entry has a secret.</summary>
    public bool HasSecret => UnescapedSecret is { Length: > 0 } || SecretLength > 0;

    /// <summary>A Bearer token (or one without a type), as the broker uses.</summary>
    public bool IsBearer => Type is null || Type.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    /// <summary>The secret's bytes: a copy, or the unescaped ones.</summary>
    public byte[] SecretBytes(ReadOnlySpan<byte> entry) => UnescapedSecret ?? entry.Slice(SecretStart, SecretLength).ToArray();
}

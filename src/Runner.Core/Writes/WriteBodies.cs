using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Runner.Redaction;

namespace Runner.Writes;

/// <summary>
/// What the audit keeps of a write's body: the JSON (or form) with every secret-looking field masked, then the
/// run's known secrets masked, cut to <see cref="StoredLimit"/> characters, and a hash of the masked whole. The
/// hash is of the masked text on purpose: a hash of the raw body would let anyone holding the audit guess a short
/// password it contained.
/// </summary>
internal static partial class WriteBodies
{
    /// <summary>Characters of a body the audit keeps.</summary>
    public const int StoredLimit = 4096;

    /// <summary>Characters of a body shown in tables and the what-if plan.</summary>
    public const int SummaryLimit = 160;

    /// <summary>Bodies larger than this (file uploads) are not read: only their size is noted.</summary>
    public const long ReadLimit = 1024 * 1024;

    public static async Task<(string? Body, string? Hash, string? Summary)> CaptureAsync(HttpContent? content, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return (null, null, null);
        }

        if (content.Headers.ContentLength is > ReadLimit)
        {
            var note = $"({content.Headers.ContentLength} bytes of {content.Headers.ContentType?.MediaType ?? "data"}, not kept)";
            return (note, null, note);
        }

        // Buffers the content, so the real send (or a retry) still has it.
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        return Describe(bytes, content.Headers.ContentType?.MediaType, redactor);
    }

    public static (string? Body, string? Hash, string? Summary) Describe(byte[] bytes, string? mediaType, SecretRedactor redactor)
    {
        if (bytes.Length == 0)
        {
            return (null, null, null);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            var note = $"({bytes.Length} bytes of {mediaType ?? "binary data"})";
            return (note, null, note);
        }

        return Describe(text, mediaType, redactor);
    }

    public static (string? Body, string? Hash, string? Summary) Describe(JsonNode? json, SecretRedactor redactor) =>
        json is null ? (null, null, null) : Describe(json.ToJsonString(), "application/json", redactor);

    private static (string? Body, string? Hash, string? Summary) Describe(string text, string? mediaType, SecretRedactor redactor)
    {
        var masked = redactor.Redact(Mask(text, mediaType));
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(masked)));
        var stored = masked.Length <= StoredLimit ? masked : masked[..StoredLimit] + $"… ({masked.Length - StoredLimit} more characters)";
        var flat = masked.ReplaceLineEndings(" ");
        var summary = flat.Length <= SummaryLimit ? flat : flat[..(SummaryLimit - 1)] + "…";
        return (stored, hash, summary);
    }

    /// <summary>Masks the values of secret-looking fields: JSON properties at any depth, form fields.</summary>
    public static string Mask(string text, string? mediaType)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                var node = JsonNode.Parse(text);
                MaskNode(node);
                return node?.ToJsonString() ?? text;
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON after all: fall through to the form and plain-text rules.
            }
        }

        if (mediaType is "application/x-www-form-urlencoded" || FormShape().IsMatch(text))
        {
            return FormSecret().Replace(text, m => $"{m.Groups["name"].Value}={SecretRedactor.Mask}");
        }

        return text;
    }

    /// <summary>True for a field whose value is a secret: passwords, client secrets, keys, tokens, certificates.</summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    private static void MaskNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name) && obj[name] is not null and not JsonObject)
                    {
                        obj[name] = SecretRedactor.Mask;
                    }
                    else
                    {
                        MaskNode(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    MaskNode(item);
                }

                break;
        }
    }

    [GeneratedRegex(@"password|secret|token|assertion|credential|privatekey|(^|[a-z_])key$|^key|apikey|connectionstring|sas$|^sig$|certificate|pfx", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^[\w.\-]+=[^&\s]*(&[\w.\-]+=[^&\s]*)*$")]
    private static partial Regex FormShape();

    [GeneratedRegex(@"(?<name>(^|(?<=&))[^=&]*(password|secret|token|assertion|key|code|sig)[^=&]*)=[^&]*", RegexOptions.IgnoreCase)]
    private static partial Regex FormSecret();
}

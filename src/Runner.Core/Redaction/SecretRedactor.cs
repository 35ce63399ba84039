using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Runner.Redaction;

/// <summary>
/// Removes secrets from anything Runner writes: log lines, results, errors, history. Every JWT-shaped string is
/// masked (access and id tokens), every string shaped like an Entra refresh token or authorization code
/// ("0.A…"/"1.A…", long) or an Entra client secret ("abc8Q~…"), and every other secret Runner has handled in
/// this process (client secret, refresh tokens, opaque access tokens). The shapes matter: a script can come by a
/// token Runner never saw (read from a file, or rotated inside MSAL's cache during the run).
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";
    private const int MinimumLength = 8;
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    /// <summary>Registers a value that must never be written anywhere.</summary>
    public void Add(string? secret)
    {
        if (secret is null || secret.Length < MinimumLength || LooksLikeJwt(secret))
        {
            return;
        }

        _secrets.TryAdd(secret, 0);
    }

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (text.Contains("eyJ", StringComparison.Ordinal))
        {
            text = JwtPattern().Replace(text, Mask);
        }

        if (text.Contains(".A", StringComparison.Ordinal))
        {
            text = EntraGrantPattern().Replace(text, Mask);
        }

        if (text.Contains("Q~", StringComparison.Ordinal))
        {
            text = EntraSecretPattern().Replace(text, Mask);
        }

        foreach (var secret in _secrets.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Whether <paramref name="text"/> still holds a registered secret or a JWT.</summary>
    public bool ContainsSecret(string text) =>
        JwtPattern().IsMatch(text) || EntraGrantPattern().IsMatch(text) || EntraSecretPattern().IsMatch(text) ||
        _secrets.Keys.Any(s => text.Contains(s, StringComparison.Ordinal));

    private static bool LooksLikeJwt(string value) => value.StartsWith("eyJ", StringComparison.Ordinal) && JwtPattern().IsMatch(value);

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*")]
    private static partial Regex JwtPattern();

    /// <summary>Entra refresh tokens and authorization codes: a version digit, ".A", then hundreds of base64url characters and dots.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_\-.])[01]\.A[A-Za-z0-9_\-.]{40,}")]
    private static partial Regex EntraGrantPattern();

    /// <summary>Entra client secrets as the portal issues them: three characters, a digit, "Q~", then 31 to 37 more.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_\-.~])[A-Za-z0-9_\-.~]{3}\dQ~[A-Za-z0-9_\-.~]{31,37}")]
    private static partial Regex EntraSecretPattern();
}

namespace Runner.Configuration;

/// <summary>How runner.yaml names a secret: secret:NAME (in the secret store) or env:NAME (an environment variable).</summary>
internal static class SecretReferenceSyntax
{
    public static bool IsReference(string text) =>
        (text.StartsWith("secret:", StringComparison.Ordinal) && text.Length > 7) ||
        (text.StartsWith("env:", StringComparison.Ordinal) && text.Length > 4);
}

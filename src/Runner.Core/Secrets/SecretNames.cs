namespace Runner.Secrets;

/// <summary>
/// What a secret may be called: letters, digits and dashes, 1 to 127 characters. That is Azure Key Vault's rule, so a
/// name that works in the local store keeps working when the project moves to Key Vault.
/// </summary>
internal static class SecretNames
{
    public const int MaxLength = 127;

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}

using System.Collections;
using System.Security.Cryptography;
using Runner.State;

namespace Runner.Secrets;

/// <summary>
/// The key that encrypts the local secret store and the token cache: RUNNER_STORE_KEY (base64, 32 bytes) when
/// set, otherwise a key file (mode 0600) kept apart from the data it protects.
/// </summary>
internal static class StoreKey
{
    public const string EnvironmentVariable = "RUNNER_STORE_KEY";

    public static byte[] Load(string keyFile, IDictionary environment, bool createIfMissing)
    {
        if (environment[EnvironmentVariable] is string fromEnv && fromEnv.Length > 0)
        {
            try
            {
                var bytes = Convert.FromBase64String(fromEnv.Trim());
                if (bytes.Length == 32)
                {
                    return bytes;
                }
            }
            catch (FormatException)
            {
            }

            throw new StateException($"{EnvironmentVariable} must be 32 random bytes in base64 (for example from `openssl rand -base64 32`).");
        }

        if (File.Exists(keyFile))
        {
            try
            {
                var bytes = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
                if (bytes.Length == 32)
                {
                    return bytes;
                }
            }
            catch (FormatException)
            {
            }

            throw new StateException($"The store key {keyFile} is damaged. Restore it from a backup, or delete it together with the encrypted files in the state folder and run `runner consent` again.");
        }

        if (!createIfMissing)
        {
            throw new StateException($"The store key {keyFile} is missing, so the encrypted store cannot be read. Restore the file, set {EnvironmentVariable}, or delete the encrypted files in the state folder and run `runner consent` again.");
        }

        // Two processes starting in a fresh folder must end with one key, or one of them encrypts with a key that is lost.
        var key = RandomNumberGenerator.GetBytes(32);
        return AtomicFile.CreateOnce(keyFile, System.Text.Encoding.UTF8.GetBytes(Convert.ToBase64String(key)), ownerOnly: true)
            ? key
            : Load(keyFile, environment, createIfMissing: false);
    }
}

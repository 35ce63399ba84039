using System.Collections;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Runner.Clouds;
using Runner.Http;

namespace Runner.Secrets;

/// <summary>
/// Secrets in Azure Key Vault through Azure.Security.KeyVault.Secrets. Every write is a new version; tags carry
/// Runner's metadata (who consented, when the token was issued). Key Vault has no conditional write, so
/// <see cref="SetAsync"/> honours an expected version by reading the latest version first: a caller never
/// overwrites a version it has not seen, except in the moment between that read and the write, which callers
/// cover by comparing issue times (see CredentialStore).
/// </summary>
internal sealed class KeyVaultSecretStore(Uri vault, SecretClient client) : ISecretStore
{
    public string Kind => "keyvault";

    public string Location => vault.AbsoluteUri;

    public bool CanWrite => true;

    /// <summary>A store on <paramref name="vault"/> with the shared HTTP stack (so the sandbox CA is trusted) and Runner's credential chain.</summary>
    public static KeyVaultSecretStore Create(Uri vault, CloudEndpoints cloud, CloudHttp http, IDictionary environment)
    {
        var transport = new HttpClientTransport(http.CreateClient());
        var credential = KeyVaultCredentials.Create(environment, cloud, transport);
        var options = new SecretClientOptions
        {
            Transport = transport,
            // Azure.Core checks that the challenge's resource matches the vault's domain; a vault outside the
            // cloud's own suffix (the sandbox) can only pass with the check off. runner.yaml names the vault explicitly.
            DisableChallengeResourceVerification = !cloud.IsCloudVault(vault),
        };
        return new KeyVaultSecretStore(vault, new SecretClient(vault, credential, options));
    }

    public async ValueTask<StoredSecret?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.GetSecretAsync(name, null, cancellationToken);
            return ToStored(secret.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException)
        {
            throw Translate(e, name, "read");
        }
    }

    public async ValueTask<StoredSecret> SetAsync(string name, string value, IReadOnlyDictionary<string, string>? tags, string? expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            if (expectedVersion is not null)
            {
                var current = await GetAsync(name, cancellationToken);
                if (current is not null && !string.Equals(current.Version, expectedVersion, StringComparison.OrdinalIgnoreCase))
                {
                    throw new SecretConflictException(name);
                }
            }

            var secret = new KeyVaultSecret(name, value) { Properties = { ContentType = "text/plain" } };
            foreach (var (key, tag) in tags ?? new Dictionary<string, string>())
            {
                secret.Properties.Tags[key] = tag;
            }

            var stored = await client.SetSecretAsync(secret, cancellationToken);
            return ToStored(stored.Value);
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException)
        {
            throw Translate(e, name, "write");
        }
    }

    private static StoredSecret ToStored(KeyVaultSecret secret) => new(
        secret.Name,
        secret.Value,
        secret.Properties.Version,
        secret.Properties.UpdatedOn ?? secret.Properties.CreatedOn ?? DateTimeOffset.MinValue,
        new Dictionary<string, string>(secret.Properties.Tags));

    private SecretStoreException Translate(Exception error, string name, string verb) => error switch
    {
        AuthenticationFailedException => new SecretStoreException(
            $"Could not sign in to Key Vault {vault} to {verb} '{name}': {FirstLine(error.Message)} Give Runner an identity: a managed identity, " +
            "or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) in its environment.", error),
        RequestFailedException { Status: 401 or 403 } r => new SecretStoreException(
            $"Key Vault {vault} refused to {verb} '{name}' ({r.Status} {r.ErrorCode}). Grant Runner's identity the 'Key Vault Secrets Officer' role on the vault " +
            "(or get, list and set permissions on secrets in its access policy).", error),
        RequestFailedException r => new SecretStoreException($"Key Vault {vault} could not {verb} '{name}': {r.Status} {r.ErrorCode} {FirstLine(r.Message)}", error),
        _ => new SecretStoreException($"Key Vault {vault} could not {verb} '{name}': {FirstLine(error.Message)}", error),
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end > 0 ? message[..end] : message;
    }
}

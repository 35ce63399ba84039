using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Runner.Sandbox.Data;

/// <summary>The partner's multi-tenant app registration (a web app with a secret or a certificate).</summary>
internal sealed class SandboxApplication
{
    public required Guid ClientId { get; init; }

    public required string DisplayName { get; init; }

    public required string ClientSecret { get; init; }

    public required Guid HomeTenantId { get; init; }

    /// <summary>Redirect URIs as registered. Entra matches http://localhost on any port (RFC 8252 loopback).</summary>
    public required List<string> RedirectUris { get; init; }

    /// <summary>Certificates whose public keys may sign client assertions, by SHA-1 and SHA-256 thumbprint.</summary>
    public ConcurrentDictionary<string, X509Certificate2> Certificates { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// App roles assigned to users (by object id), sent as the id_token's `roles` claim as Entra does for an app that
    /// defines app roles ("Add app roles to your application and receive them in the token").
    /// </summary>
    public Dictionary<Guid, string[]> AppRoleAssignments { get; } = [];

    /// <summary>
    /// Security groups a user belongs to, by object id, sent as the id_token's `groups` claim: the app's
    /// groupMembershipClaims is SecurityGroup ("Configure group claims for applications by using Microsoft Entra ID").
    /// </summary>
    public Dictionary<Guid, Guid[]> GroupClaims { get; } = [];

    /// <summary>
    /// The object id of the app's service principal in <paramref name="tenantId"/>: consent creates one enterprise
    /// application per tenant, each with its own id, and app-only tokens name it in oid and sub
    /// ("Access token claims reference", oid: "the object ID of the service principal" for applications).
    /// </summary>
    public Guid ServicePrincipalId(Guid tenantId) => DeterministicGuid.Create(0, $"{ClientId}:servicePrincipal:{tenantId}");

    /// <summary>Permissions granted to the app for .default requests, per resource.</summary>
    public Dictionary<string, string[]> DelegatedPermissions { get; } = new(StringComparer.OrdinalIgnoreCase);
}

using Runner.Clouds;

namespace Runner.Runtime;

/// <summary>
/// Where this process talks to: the endpoints, an extra CA to trust (the sandbox's), and, for the built-in
/// sandbox, the partner app it seeds. <see cref="Fingerprint"/> keys caches so data from one cloud never serves another.
/// </summary>
internal sealed record CloudConnection(CloudEndpoints Endpoints, string? CaFile, PartnerDefaults? Partner, string Fingerprint);

/// <summary>Partner settings used when runner.yaml has none (the built-in sandbox provides its own).</summary>
internal sealed record PartnerDefaults(string Tenant, string ClientId, string ClientSecretReference);

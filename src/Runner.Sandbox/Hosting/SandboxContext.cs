using Runner.Sandbox.Certificates;
using Runner.Sandbox.Data;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.Hosting;

/// <summary>The state every endpoint shares.</summary>
internal sealed class SandboxContext
{
    private Uri? _baseUri;

    public SandboxContext(SandboxOptions options, SandboxDirectory directory, SandboxClock clock, SigningKeys keys, SandboxCertificates certificates)
    {
        Options = options;
        Directory = directory;
        Clock = clock;
        Keys = keys;
        Certificates = certificates;
        Identity = new IdentityState { RecordIssuedTokens = options.RecordIssuedTokens };
        Issuer = new TokenIssuer(keys, clock, Identity, () => BaseUri);
        Validator = new BearerValidator(this);
        Counters = new RequestCounters(t => directory.FindTenant(t)?.Id.ToString());
        Loopback = new LoopbackClient(this);
    }

    public SandboxOptions Options { get; }

    public SandboxDirectory Directory { get; }

    public SandboxClock Clock { get; }

    public SigningKeys Keys { get; }

    public SandboxCertificates Certificates { get; }

    public IdentityState Identity { get; }

    public TokenIssuer Issuer { get; }

    public BearerValidator Validator { get; }

    public RequestCounters Counters { get; }

    /// <summary>A client to this sandbox's own port, for requests that contain requests ($batch).</summary>
    public LoopbackClient Loopback { get; }

    /// <summary>The PEM file with the CA, once the host has written it.</summary>
    public string? CaCertificatePath { get; set; }

    public SandboxFaults Faults { get; } = new();

    public RequestLog Requests { get; } = new();

    public Uri BaseUri
    {
        get => _baseUri ?? throw new InvalidOperationException("The sandbox has not started listening yet.");
        set => _baseUri = value;
    }

    /// <summary>An absolute URL on this sandbox, as nextLink and similar fields must be.</summary>
    public string Url(string pathAndQuery) => new Uri(BaseUri, pathAndQuery).AbsoluteUri;
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runner.Sandbox.Certificates;
using Runner.Sandbox.Data;
using Runner.Sandbox.Graph;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;
using Runner.Sandbox.KeyVault;
using Runner.Sandbox.PartnerCenter;
using Runner.Sandbox.ResourceManager;

namespace Runner.Sandbox;

/// <summary>
/// A running local cloud: Entra ID, Partner Center, Azure Resource Manager, Microsoft Graph and Key Vault
/// on one HTTPS port on loopback, seeded with a fake partner and its customers.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SandboxContext _context;
    private readonly string? _temporaryCaFile;

    private SandboxHost(WebApplication app, SandboxContext context, string caPath, string? temporaryCaFile)
    {
        _app = app;
        _context = context;
        CaCertificatePath = caPath;
        _temporaryCaFile = temporaryCaFile;
    }

    /// <summary>The sandbox's state, for tests that compare results with the seeded data.</summary>
    internal SandboxContext Context => _context;

    /// <summary>The root of every endpoint, for example https://127.0.0.1:53211/.</summary>
    public Uri BaseUri => _context.BaseUri;

    /// <summary>The CA that signed the TLS certificate (public part only).</summary>
    public X509Certificate2 CaCertificate => X509CertificateLoader.LoadCertificate(_context.Certificates.Authority.RawData);

    /// <summary>A PEM file holding the CA, for SSL_CERT_FILE or Runner's trust setting.</summary>
    public string CaCertificatePath { get; }

    public Guid PartnerTenantId => _context.Directory.Partner.Id;

    public string PartnerDomain => _context.Directory.Partner.Domain;

    public string PartnerName => _context.Directory.Partner.DisplayName;

    /// <summary>The partner application's client id.</summary>
    public Guid ClientId => _context.Directory.Application.ClientId;

    /// <summary>The partner application's client secret. A fake, but handled like a real one by Runner.</summary>
    public string ClientSecret => _context.Directory.Application.ClientSecret;

    public Guid AdminUserId => _context.Directory.PartnerAdmin.Id;

    public string AdminUserPrincipalName => _context.Directory.PartnerAdmin.UserPrincipalName;

    public SandboxClock Clock => _context.Clock;

    /// <summary>The Key Vault on this sandbox (secrets data plane at the root): use it as a SecretClient's vault URI.</summary>
    public Uri VaultUri => BaseUri;

    /// <summary>The sandbox vault's contents, for tests.</summary>
    internal VaultStore Vault { get; private init; } = null!;

    /// <summary>The partner admin's current second-factor code (the TOTP of <see cref="SandboxCredentials.TotpSecret"/> on the sandbox clock).</summary>
    public string CurrentMfaCode() => Totp.Code(Totp.DecodeBase32(SandboxCredentials.TotpSecret), Clock.GetUtcNow());

    public RequestCounters Counters => _context.Counters;

    public SandboxFaults Faults => _context.Faults;

    /// <summary>The most recent API requests with their status and request-id headers (never their tokens).</summary>
    public RequestLog Requests => _context.Requests;

    /// <summary>Every token issued so far, when <see cref="SandboxOptions.RecordIssuedTokens"/> is on.</summary>
    public IReadOnlyCollection<string> IssuedTokens => _context.Identity.IssuedTokens.ToArray();

    /// <summary>How many access tokens were issued for <paramref name="audience"/> (e.g.
    /// "https://api.partnercenter.microsoft.com") in each tenant since the sandbox started.</summary>
    public IReadOnlyDictionary<Guid, long> AccessTokensIssued(string audience) =>
        _context.Identity.AccessTokensIssued.Where(p => string.Equals(p.Key.Audience, audience, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Key.Tenant, p => p.Value);

    /// <summary>Every seeded GDAP relationship with its status on the sandbox clock and the role definition ids it grants.</summary>
    public IReadOnlyList<SandboxRelationship> Relationships =>
        _context.Directory.Relationships.Select(r => new SandboxRelationship(r.Id, r.CustomerTenantId, r.StatusAt(Clock.GetUtcNow()),
            r.ActivatedDateTime is null ? null : r.EndDateTime, r.RoleDefinitionIds, r.AutoExtendDuration)).ToList();

    public IReadOnlyList<SandboxCustomer> Customers
    {
        get
        {
            var now = Clock.GetUtcNow();
            return _context.Directory.Customers.Select(c =>
            {
                var r = _context.Directory.BestRelationship(c.Id, now);
                return new SandboxCustomer(c.Id, c.Domain, c.DisplayName, r?.StatusAt(now) ?? "none", r?.EndDateTime);
            }).ToList();
        }
    }

    public static async Task<SandboxHost> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        if (options.Customers is < 1 or > 20000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Customers, "The sandbox holds between 1 and 20,000 customers.");
        }

        var clock = new SandboxClock(options.TimeProvider);
        var certificates = SandboxCertificates.LoadOrCreate(options.DataDirectory, clock.GetUtcNow());
        var keys = SigningKeys.LoadOrCreate(options.DataDirectory);
        var directory = SandboxSeeder.Build(options.Seed, options.Customers, clock.GetUtcNow());
        var context = new SandboxContext(options, directory, clock, keys, certificates);
        options.ConfigureFaults?.Invoke(context.Faults);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(SandboxHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (options.Port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificates.Server));
            }
            else
            {
                kestrel.ListenLocalhost(options.Port, listen => listen.UseHttps(certificates.Server));
            }
        });

        var app = builder.Build();
        // Entra and ARM answer a path that starts with two slashes as with one, and clients that join a cloud's
        // endpoint ending in "/" to a path starting with "/" (azure-cli) send such paths; routing runs after this.
        app.Use((http, next) =>
        {
            if (http.Request.Path.Value is { } path && path.StartsWith("//", StringComparison.Ordinal))
            {
                http.Request.Path = "/" + path.TrimStart('/');
            }

            return next(http);
        });
        app.UseRouting();
        app.Use((http, next) => RequestIdHeaders.Invoke(http, next));
        var faults = new FaultMiddleware(context);
        app.Use((http, next) => faults.Invoke(http, next));
        var writes = new GdapWriteAuthorization(context, new GraphApi(context));
        app.Use((http, next) => writes.Invoke(http, () => next(http)));
        var token = new TokenEndpoint(context);
        app.MapPost("/{tenant}/oauth2/v2.0/token", (RequestDelegate)token.Handle);
        new DiscoveryEndpoints(context).Map(app);
        new PartnerCenterApi(context).Map(app);
        new ResourceManagerApi(context).Map(app);
        new GraphApi(context).Map(app);
        new AdminEndpoints(context).Map(app);
        new InteractiveEndpoints(context).Map(app);
        var vault = new VaultStore(options.DataDirectory, keys);
        new KeyVaultApi(context, vault).Map(app);
        NotEmulatedEndpoint.Map(app, context);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        context.BaseUri = new Uri($"https://127.0.0.1:{port}/");

        string caPath;
        string? temporary = null;
        if (options.DataDirectory is not null)
        {
            caPath = Path.Combine(options.DataDirectory, "ca.pem");
        }
        else
        {
            temporary = Path.Combine(Path.GetTempPath(), $"runner-sandbox-ca-{Guid.NewGuid():N}.pem");
            await File.WriteAllTextAsync(temporary, certificates.AuthorityPem, cancellationToken);
            caPath = temporary;
        }

        context.CaCertificatePath = caPath;
        return new SandboxHost(app, context, caPath, temporary) { Vault = vault };
    }

    /// <summary>A refresh token for the partner admin, as if the admin had just consented (with MFA by default).</summary>
    public string IssueRefreshToken(bool mfa = true) =>
        _context.Issuer.RefreshToken(_context.Directory.PartnerAdmin, _context.Directory.Application, mfa);

    /// <summary>Revokes every token issued to the partner admin so far, as a password reset does.</summary>
    public void RevokeAdminSessions() =>
        _context.Identity.TokensValidFrom[_context.Directory.PartnerAdmin.Id] = Clock.GetUtcNow().AddSeconds(1);

    /// <summary>Makes a tenant refuse the partner admin's tokens for a reason other than GDAP, or clears it with null.</summary>
    public void SetTenantRefusal(string tenantIdOrDomain, TenantRefusal? refusal)
    {
        var tenant = _context.Directory.FindTenant(tenantIdOrDomain) ?? throw new ArgumentException($"No sandbox tenant '{tenantIdOrDomain}'.", nameof(tenantIdOrDomain));
        if (refusal is null)
        {
            _context.Identity.TenantRefusals.TryRemove(tenant.Id, out _);
        }
        else
        {
            _context.Identity.TenantRefusals[tenant.Id] = refusal.Value;
        }
    }

    /// <summary>Registers a certificate the partner app may authenticate with instead of its secret.</summary>
    public void RegisterClientCertificate(X509Certificate2 certificate)
    {
        var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        foreach (var thumbprint in ClientAuthenticator.Thumbprints(publicOnly))
        {
            _context.Directory.Application.Certificates[thumbprint] = publicOnly;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _context.Loopback.Dispose();
        _context.Certificates.Dispose();
        _context.Keys.Dispose();
        if (_temporaryCaFile is not null)
        {
            try
            {
                File.Delete(_temporaryCaFile);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }
    }
}

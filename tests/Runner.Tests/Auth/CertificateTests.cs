using System.Security.Cryptography.X509Certificates;
using Runner.Secrets;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Auth;

/// <summary>partner.certificate instead of a client secret: a PFX in the secret store or a PFX file, signing MSAL's client assertions.</summary>
public sealed class CertificateTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_pfx_from_the_secret_store_authenticates_the_partner_app()
    {
        using var certificate = Sandbox.EntraTokenLifecycleTests.SelfSigned();
        sandbox.Host.RegisterClientCertificate(certificate);
        using var workspace = await WorkspaceAsync("certificate: secret:app-certificate");
        await Store(workspace).SetAsync("app-certificate", Convert.ToBase64String(certificate.Export(X509ContentType.Pfx)), null, null, CancellationToken.None);

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", ActiveDomain());

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_password_protected_pfx_file_authenticates_the_partner_app()
    {
        using var certificate = Sandbox.EntraTokenLifecycleTests.SelfSigned();
        sandbox.Host.RegisterClientCertificate(certificate);
        using var workspace = await WorkspaceAsync("certificate: file:certs/app.pfx\n  certificatePassword: env:PFX_PASSWORD");
        Directory.CreateDirectory(workspace.Path("certs"));
        File.WriteAllBytes(workspace.Path("certs/app.pfx"), certificate.Export(X509ContentType.Pfx, "pfx-pass-1"));
        workspace.Environment["PFX_PASSWORD"] = "pfx-pass-1";

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", ActiveDomain());

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_certificate_the_app_does_not_know_exits_3_with_the_fix()
    {
        using var unknown = Sandbox.EntraTokenLifecycleTests.SelfSigned();
        using var workspace = await WorkspaceAsync("certificate: file:unknown.pfx");
        File.WriteAllBytes(workspace.Path("unknown.pfx"), unknown.Export(X509ContentType.Pfx));

        var result = await workspace.RunAsync("run", "jobs/hello.csx", "--tenant", ActiveDomain());

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("client secret or certificate was refused", result.Error);
        Assert.Contains("AADSTS700027", result.Error);
    }

    private async Task<Workspace> WorkspaceAsync(string credential)
    {
        var workspace = await new Workspace().WithSandboxAsync(sandbox.Host);
        workspace.Write("runner.yaml", File.ReadAllText(workspace.Path("runner.yaml")).Replace("clientSecret: secret:app-secret", credential, StringComparison.Ordinal));
        workspace.CopyJob("hello.csx");
        return workspace;
    }

    private string ActiveDomain() => sandbox.Host.Customers.First(c => c.GdapStatus == "active").Domain;

    private static LocalSecretStore Store(Workspace workspace) =>
        new(new StateDirectory(workspace.StatePath), Path.Combine(workspace.StatePath, "store.key"), workspace.Environment, TimeProvider.System);
}

using Runner.Sandbox;
using Runner.Sandbox.Data;

namespace Runner.Tests.Infrastructure;

/// <summary>Customers where the partner's GDAP roles in force allow the usual writes (User or Global Administrator):
/// tests of write endpoints use these, since the sandbox refuses writes the roles do not allow.</summary>
internal static class WritableTenants
{
    public static bool IsWritable(this SandboxHost host, SandboxTenant tenant)
    {
        var roles = host.RolesInForce(tenant);
        return roles.Contains(GdapSeeder.UserAdministrator) || roles.Contains(GdapSeeder.GlobalAdministrator);
    }
}

using Runner.Sandbox;
using Runner.Sandbox.Data;

namespace Runner.Tests.Infrastructure;

/// <summary>Picks the seeded customer a test needs by what the partner can do there.</summary>
internal static class SandboxCustomers
{
    /// <summary>The Entra roles (template ids) the GDAP relationships in force grant the partner in the tenant.</summary>
    public static IReadOnlySet<string> RolesInForce(this SandboxHost host, SandboxTenant tenant) =>
        host.Context.Directory.GrantedRoles(tenant.Id, host.Clock.GetUtcNow());

    /// <summary>The first customer with a relationship in force that also satisfies <paramref name="also"/>.</summary>
    public static SandboxTenant ActiveCustomer(this SandboxHost host, Func<SandboxTenant, bool>? also = null) =>
        host.Context.Directory.Customers.First(c => host.Context.Directory.HasActiveRelationship(c, host.Clock.GetUtcNow()) && (also is null || also(c)));
}

using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;
using ConditionalAccessPolicy = Microsoft.Graph.Models.ConditionalAccessPolicy;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Named locations through GraphServiceClient, and a Conditional Access policy that blocks sign-ins from
/// outside them, as a "block other countries" baseline deploys it.</summary>
public sealed class NamedLocationsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_country_block_policy_excludes_the_tenants_locations_which_cannot_be_deleted_while_it_names_them()
    {
        var customer = fixture.Host.ActiveCustomer(c => DirectorySeeder.HasPremium(c.Content) &&
            fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.ConditionalAccessAdministrator, GdapSeeder.GlobalAdministrator]));
        var graph = fixture.Clients.Graph(customer.Id);

        var seeded = await graph.Identity.ConditionalAccess.NamedLocations.GetAsync();
        var countries = Assert.IsType<CountryNamedLocation>(seeded!.Value!.Single(l => l.DisplayName == "Allowed countries"));
        var office = Assert.IsType<IpNamedLocation>(await graph.Identity.ConditionalAccess.NamedLocations.PostAsync(new IpNamedLocation
        {
            DisplayName = "Branch office",
            IsTrusted = true,
            IpRanges = [new IPv4CidrRange { CidrAddress = "198.51.100.0/24" }],
        }));
        var policy = await graph.Identity.ConditionalAccess.Policies.PostAsync(new ConditionalAccessPolicy
        {
            DisplayName = "Block sign-ins from other countries",
            State = ConditionalAccessPolicyState.EnabledForReportingButNotEnforced,
            Conditions = new ConditionalAccessConditionSet
            {
                ClientAppTypes = [ConditionalAccessClientApp.All],
                Applications = new ConditionalAccessApplications { IncludeApplications = ["All"] },
                Users = new ConditionalAccessUsers { IncludeUsers = ["All"] },
                Locations = new ConditionalAccessLocations { IncludeLocations = ["All"], ExcludeLocations = [countries.Id!, office.Id!] },
            },
            GrantControls = new ConditionalAccessGrantControls { Operator = "OR", BuiltInControls = [ConditionalAccessGrantControl.Block] },
        });
        var inUse = await Assert.ThrowsAsync<ODataError>(() => graph.Identity.ConditionalAccess.NamedLocations[office.Id].DeleteAsync());
        await graph.Identity.ConditionalAccess.Policies[policy!.Id].DeleteAsync();
        await graph.Identity.ConditionalAccess.NamedLocations[office.Id].DeleteAsync();

        Assert.Equal([customer.Content.CountryLetterCode], countries.CountriesAndRegions);
        Assert.Equal([countries.Id!, office.Id!], policy.Conditions!.Locations!.ExcludeLocations);
        Assert.Equal(400, inUse.ResponseStatusCode);
        Assert.DoesNotContain(customer.Content.Directory.NamedLocations, l => l.Id.ToString() == office.Id);
    }

    [Fact]
    public async Task A_bad_country_code_or_a_policy_naming_an_unknown_location_is_refused()
    {
        var customer = fixture.Host.ActiveCustomer(c => DirectorySeeder.HasPremium(c.Content) &&
            fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.ConditionalAccessAdministrator, GdapSeeder.GlobalAdministrator]));
        var graph = fixture.Clients.Graph(customer.Id);

        var country = await Assert.ThrowsAsync<ODataError>(() => graph.Identity.ConditionalAccess.NamedLocations.PostAsync(
            new CountryNamedLocation { DisplayName = "Nowhere", CountriesAndRegions = ["Narnia"] }));
        var unknown = await Assert.ThrowsAsync<ODataError>(() => graph.Identity.ConditionalAccess.Policies.PostAsync(new ConditionalAccessPolicy
        {
            DisplayName = "Block unknown",
            State = ConditionalAccessPolicyState.Disabled,
            Conditions = new ConditionalAccessConditionSet
            {
                ClientAppTypes = [ConditionalAccessClientApp.All],
                Locations = new ConditionalAccessLocations { IncludeLocations = [Guid.NewGuid().ToString()] },
            },
            GrantControls = new ConditionalAccessGrantControls { Operator = "OR", BuiltInControls = [ConditionalAccessGrantControl.Block] },
        }));

        Assert.Equal(400, country.ResponseStatusCode);
        Assert.Equal(400, unknown.ResponseStatusCode);
    }
}

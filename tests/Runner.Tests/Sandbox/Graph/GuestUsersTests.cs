using Microsoft.Graph;
using Microsoft.Graph.Models;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>
/// The seeded guests, as a "disable guests that have not signed in for N days" job finds them through Graph, and
/// that job's writes: afterwards exactly the stale guests read as disabled.
/// </summary>
public sealed class GuestUsersTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    private static readonly string[] GuestProperties = ["id", "userPrincipalName", "mail", "userType", "accountEnabled", "createdDateTime", "externalUserState", "creationType"];

    [Fact]
    public async Task Every_customer_has_guests_signed_in_long_ago_recently_and_never()
    {
        var now = fixture.Host.Clock.GetUtcNow();
        foreach (var customer in fixture.Host.Context.Directory.Customers.Where(c => fixture.Host.Context.Directory.HasActiveRelationship(c, now)))
        {
            var premium = DirectorySeeder.HasPremium(customer.Content);
            var guests = (await fixture.Clients.Graph(customer.Id).Users.GetAsync(r =>
            {
                r.QueryParameters.Filter = "userType eq 'Guest'";
                r.QueryParameters.Select = premium ? [.. GuestProperties, "signInActivity"] : GuestProperties;
            }))!.Value!;

            Assert.InRange(guests.Count, 3, 6);
            Assert.All(guests, g => Assert.EndsWith($"#EXT#@{customer.Domain}", g.UserPrincipalName));
            Assert.All(guests, g => Assert.Equal(g.Mail!.Replace('@', '_') + "#EXT#@" + customer.Domain, g.UserPrincipalName));
            Assert.All(guests, g => Assert.Equal("Invitation", g.CreationType));
            if (premium)
            {
                Assert.Contains(guests, g => g.SignInActivity!.LastSignInDateTime < now.AddDays(-90));
                Assert.Contains(guests, g => g.SignInActivity!.LastSignInDateTime > now.AddDays(-30));
                Assert.Contains(guests, g => g.SignInActivity!.LastSignInDateTime is null && g.CreatedDateTime < now.AddDays(-90) && g.ExternalUserState == "PendingAcceptance");
            }
        }
    }

    [Fact]
    public async Task Disabling_the_stale_guests_in_one_batch_leaves_exactly_them_disabled()
    {
        var now = fixture.Host.Clock.GetUtcNow();
        var customer = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, now) && fixture.Host.IsWritable(c) && DirectorySeeder.HasPremium(c.Content));
        var graph = fixture.Clients.Graph(customer.Id);
        var cutoff = now.AddDays(-90);

        var guests = (await graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = "userType eq 'Guest'";
            r.QueryParameters.Select = ["id", "createdDateTime", "signInActivity"];
        }))!.Value!;
        var stale = guests.Where(g => g.SignInActivity?.LastSignInDateTime is { } last ? last < cutoff : g.CreatedDateTime < cutoff).Select(g => g.Id!).Order().ToList();
        var batch = new BatchRequestContentCollection(graph);
        foreach (var id in stale)
        {
            await batch.AddBatchRequestStepAsync(graph.Users[id].ToPatchRequestInformation(new User { AccountEnabled = false }));
        }

        var statuses = await (await graph.Batch.PostAsync(batch)).GetResponsesStatusCodesAsync();
        var disabled = (await graph.Users.GetAsync(r => r.QueryParameters.Filter = "userType eq 'Guest' and accountEnabled eq false"))!.Value!;

        Assert.NotEmpty(stale);
        Assert.NotEqual(guests.Count, stale.Count);
        Assert.All(statuses.Values, s => Assert.Equal(System.Net.HttpStatusCode.NoContent, s));
        Assert.Equal(stale, disabled.Select(g => g.Id!).Order());
    }
}

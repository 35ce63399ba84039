using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Service health and message center through GraphServiceClient: per tenant by the services it has, a
/// service with an open incident reads degraded, and the filters status pages use.</summary>
public sealed class ServiceHealthTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_tenant_sees_the_services_it_has_and_a_service_with_an_open_incident_is_degraded()
    {
        var customer = fixture.Host.ActiveCustomer(c => ServiceHealthSeeder.ServicesOf(c.Content).Count > 2);
        var graph = fixture.Clients.Graph(customer.Id);

        var overviews = await graph.Admin.ServiceAnnouncement.HealthOverviews.GetAsync(r => r.QueryParameters.Expand = ["issues"]);
        var open = await graph.Admin.ServiceAnnouncement.Issues.GetAsync(r => r.QueryParameters.Filter = "isResolved eq false");
        var all = await graph.Admin.ServiceAnnouncement.Issues.GetAsync();

        Assert.Equal(ServiceHealthSeeder.ServicesOf(customer.Content).Order(), overviews!.Value!.Select(o => o.Service).Order());
        Assert.All(all!.Value!, i => Assert.Contains(i.Service!, ServiceHealthSeeder.ServicesOf(customer.Content)));
        Assert.All(open!.Value!, i => Assert.False(i.IsResolved));
        Assert.All(open.Value!, i => Assert.Null(i.EndDateTime));
        foreach (var overview in overviews.Value!)
        {
            var degraded = open.Value!.Any(i => i.Service == overview.Service && i.Classification == ServiceHealthClassificationType.Incident);
            Assert.Equal(degraded, overview.Status == ServiceHealthStatus.ServiceDegradation);
            Assert.Equal(all.Value!.Count(i => i.Service == overview.Service), overview.Issues!.Count);
        }

        var one = await graph.Admin.ServiceAnnouncement.Issues[all.Value![0].Id].GetAsync();
        Assert.Equal(all.Value[0].Title, one!.Title);
    }

    [Fact]
    public async Task Message_center_posts_filter_by_category_and_unknown_ids_are_404()
    {
        var graph = fixture.Clients.Graph(fixture.Host.ActiveCustomer().Id);

        var changes = await graph.Admin.ServiceAnnouncement.Messages.GetAsync(r => r.QueryParameters.Filter = "category eq 'planForChange'");
        var missing = await Assert.ThrowsAsync<ODataError>(() => graph.Admin.ServiceAnnouncement.Messages["MC000000"].GetAsync());

        Assert.NotEmpty(changes!.Value!);
        Assert.All(changes.Value!, m => Assert.Equal(ServiceUpdateCategory.PlanForChange, m.Category));
        Assert.All(changes.Value!, m => Assert.NotNull(m.ActionRequiredByDateTime));
        Assert.Equal(404, missing.ResponseStatusCode);
    }
}

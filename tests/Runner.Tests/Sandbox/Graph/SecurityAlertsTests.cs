using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Models.Security;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>Defender alerts and incidents through GraphServiceClient: what a SOC view reads across customers, and
/// triage written back.</summary>
public sealed class SecurityAlertsTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Open_alerts_are_filtered_triaged_and_seen_in_their_incident()
    {
        var customer = fixture.Host.ActiveCustomer(c => c.Content.SecurityAlerts.Any(a => a.Status != "resolved") &&
            fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalAdministrator]));
        var graph = fixture.Clients.Graph(customer.Id);

        var unresolved = customer.Content.SecurityAlerts.Count(a => a.Status != "resolved");
        var open = await graph.Security.Alerts_v2.GetAsync(r => r.QueryParameters.Filter = "status ne 'resolved'");
        var alert = open!.Value![0];
        var triaged = await graph.Security.Alerts_v2[alert.Id].PatchAsync(new Alert
        {
            Status = AlertStatus.Resolved,
            Classification = AlertClassification.TruePositive,
            AssignedTo = "soc@relecloud.example",
        });
        var incident = await graph.Security.Incidents[alert.IncidentId].GetAsync(r => r.QueryParameters.Expand = ["alerts"]);

        Assert.Equal(unresolved, open.Value!.Count);
        Assert.All(open.Value!, a => Assert.NotEqual(AlertStatus.Resolved, a.Status));
        Assert.Equal((AlertStatus.Resolved, AlertClassification.TruePositive), (triaged!.Status, triaged.Classification));
        Assert.Equal(IncidentStatus.Resolved, incident!.Status);
        Assert.Equal(alert.Id, Assert.Single(incident.Alerts!).Id);
        Assert.IsType<UserEvidence>(Assert.Single(alert.Evidence!));
    }

    [Fact]
    public async Task Without_defender_there_are_no_alerts_and_a_reader_cannot_triage()
    {
        var unlicensed = fixture.Host.ActiveCustomer(c => !c.Content.PartnerSubscriptions.Any(s => s.Status == "active" && s.Product.SkuPartNumber == "SPB"));
        var reader = fixture.Host.ActiveCustomer(c => fixture.Host.RolesInForce(c).Contains(GdapSeeder.SecurityReader) &&
            !fixture.Host.RolesInForce(c).Overlaps([GdapSeeder.SecurityAdministrator, GdapSeeder.GlobalAdministrator]));

        var none = await fixture.Clients.Graph(unlicensed.Id).Security.Alerts_v2.GetAsync();
        var read = await fixture.Clients.Graph(reader.Id).Security.Alerts_v2.GetAsync();
        // The GDAP roles are checked before the alert is looked up, as for every write.
        var denied = await Assert.ThrowsAsync<ODataError>(() => fixture.Clients.Graph(reader.Id).Security.Alerts_v2["da0000"].PatchAsync(new Alert { Status = AlertStatus.Resolved }));

        Assert.Empty(none!.Value!);
        Assert.Equal(reader.Content.SecurityAlerts.Count, read!.Value!.Count);
        Assert.Equal(403, denied.ResponseStatusCode);
    }
}

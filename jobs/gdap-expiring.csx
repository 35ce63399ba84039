// gdap-expiring.csx: GDAP relationships that end within `days` days. When one ends, every job (and every
// technician) loses access to that customer: renew it, or ask the customer to approve a new one, in time.
// Runs once, in the partner's own tenant. One row per relationship.
// runner: partner-level
//
// Graph (partner tenant): DelegatedAdminRelationship.Read.All.
// Parameters: days (default 30).
// Run:        runner run gdap-expiring          (the job in runner.yaml, daily)
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var days = Params.Get<int>("days", 30);
var horizon = DateTimeOffset.UtcNow.AddDays(days);

var firstPage = await Graph.TenantRelationships.DelegatedAdminRelationships.GetAsync(cancellationToken: CancellationToken);
var relationships = await AllPagesAsync<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse>(firstPage);

foreach (var relationship in relationships
    .Where(r => r.Status == DelegatedAdminRelationshipStatus.Active && r.EndDateTime is { } end && end <= horizon)
    .OrderBy(r => r.EndDateTime))
{
    Emit(new
    {
        customer = relationship.Customer?.DisplayName,
        customerTenantId = relationship.Customer?.TenantId,
        relationship = relationship.DisplayName,
        ends = relationship.EndDateTime,
        daysLeft = (int)Math.Ceiling((relationship.EndDateTime!.Value - DateTimeOffset.UtcNow).TotalDays),
        autoExtends = relationship.AutoExtendDuration is { } extend && extend > TimeSpan.Zero,
        roles = relationship.AccessDetails?.UnifiedRoles?.Count ?? 0,
    });
}

Log.LogInformation("{Total} GDAP relationships, checked for an end within {Days} days", relationships.Count, days);
return null;

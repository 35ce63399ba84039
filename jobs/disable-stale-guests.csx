// disable-stale-guests.csx: disable guest accounts that have not signed in for `days` days (or never, and were
// invited more than `days` days ago): the guest clean-up an access review asks for, in every customer at once.
//
// This job changes things. Preview it first; nothing is sent in a what-if run:
//            runner run jobs/disable-stale-guests.csx --tenant all --what-if
//            runner run jobs/disable-stale-guests.csx --tenant all            (disables them; kept in the write audit)
//            runner audit --job disable-stale-guests --since 7d                  (what it changed, per tenant)
// Scheduled from runner.yaml it needs `writes: true` (jobs there are read-only unless they say so).
//
// Graph: needs User.Read.All and AuditLog.Read.All (signInActivity; the customer needs Entra ID P1 or P2), and
// User.ReadWrite.All with a GDAP role that may update users (User Administrator) to disable them.
// Parameters: days (default 90), max (default 50: a tenant with more stale guests than that fails without a
// change, so a wrong cutoff cannot disable a whole directory).
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var days = Params.Get<int>("days", 90);
var max = Params.Get<int>("max", 50);
var cutoff = DateTimeOffset.UtcNow.AddDays(-days);

UserCollectionResponse? firstPage;
try
{
    firstPage = await Graph.Users.GetAsync(request =>
    {
        request.QueryParameters.Filter = "userType eq 'Guest'";
        request.QueryParameters.Select = ["id", "userPrincipalName", "displayName", "accountEnabled", "createdDateTime", "signInActivity"];
        request.QueryParameters.Top = 120; // Graph's page limit when signInActivity is selected
    }, CancellationToken);
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 403 && e.Error?.Code == "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
{
    // Without sign-in activity there is no telling a stale guest from an active one: change nothing.
    Log.LogWarning("{Tenant}: no Entra ID P1/P2, so Graph gives no sign-in activity; no guest is disabled here", Tenant.Domain);
    return null;
}

var stale = (await AllPagesAsync<User, UserCollectionResponse>(firstPage))
    .Where(u => u.AccountEnabled == true)
    .Where(u => u.SignInActivity?.LastSignInDateTime is { } last ? last < cutoff : u.CreatedDateTime < cutoff)
    .ToList();

if (stale.Count > max)
{
    // A failed tenant is visible in the run's status and exit code, and changes nothing.
    throw new InvalidOperationException($"{stale.Count} stale guests is more than max={max}, so none was disabled. Check the cutoff (days={days}), then raise max.");
}

foreach (var guest in stale)
{
    await Graph.Users[guest.Id].PatchAsync(new User { AccountEnabled = false }, cancellationToken: CancellationToken);
    var lastSignIn = guest.SignInActivity?.LastSignInDateTime;
    Emit(new
    {
        guest = guest.UserPrincipalName,
        name = guest.DisplayName,
        lastSignIn,
        daysInactive = DaysSince(lastSignIn ?? guest.CreatedDateTime),
        action = WhatIf ? "would disable" : "disabled",
    });
}

Log.LogInformation("{Tenant}: {Count} stale guests {Action}", Tenant.Domain, stale.Count, WhatIf ? "would be disabled" : "disabled");
return null;

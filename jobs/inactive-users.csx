// inactive-users.csx: accounts nobody uses: disabled accounts, and enabled accounts with no sign-in for `days` days
// (or never). One row per account, for a licence clean-up or an access review.
//
// Graph: needs User.Read.All and AuditLog.Read.All (signInActivity; the customer needs Entra ID P1 or P2).
// Parameters: days (default 90), includeDisabled (default true), includeGuests (default false).
// Run:       runner run inactive-users --tenant all        (the job in runner.yaml, weekly)
//            runner run jobs/inactive-users.csx --tenant contoso.onmicrosoft.com --param days=60
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var days = Params.Get<int>("days", 90);
var includeDisabled = Params.Get<bool>("includeDisabled", true);
var includeGuests = Params.Get<bool>("includeGuests", false);
var cutoff = DateTimeOffset.UtcNow.AddDays(-days);

// signInActivity cannot be combined with most filters, and never-signed-in accounts have no date to filter on:
// fetch the few properties needed for every user and decide here.
// Graph refuses signInActivity in a tenant without Entra ID P1/P2: then only disabled accounts can be listed.
string[] properties = ["id", "displayName", "userPrincipalName", "accountEnabled", "userType", "createdDateTime"];
UserCollectionResponse? firstPage;
var withSignIns = true;
try
{
    firstPage = await Graph.Users.GetAsync(request =>
    {
        request.QueryParameters.Select = [.. properties, "signInActivity"];
        request.QueryParameters.Top = 999;
    }, CancellationToken);
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 403 && e.Error?.Code == "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
{
    Log.LogWarning("{Tenant}: no Entra ID P1/P2, so Graph gives no sign-in activity; listing disabled accounts only", Tenant.Domain);
    withSignIns = false;
    firstPage = await Graph.Users.GetAsync(request =>
    {
        request.QueryParameters.Select = properties;
        request.QueryParameters.Top = 999;
    }, CancellationToken);
}

var users = await AllPagesAsync<User, UserCollectionResponse>(firstPage);

var found = 0;
foreach (var user in users)
{
    if (!includeGuests && string.Equals(user.UserType, "Guest", StringComparison.OrdinalIgnoreCase))
    {
        continue;
    }

    var lastSignIn = user.SignInActivity?.LastSignInDateTime;
    string? reason = user.AccountEnabled == false
        ? (includeDisabled ? "disabled" : null)
        : !withSignIns
            ? null
            : lastSignIn is null
            ? (user.CreatedDateTime is { } created && created > cutoff ? null : "never signed in")
            : lastSignIn < cutoff ? $"no sign-in for {days}+ days" : null;
    if (reason is null)
    {
        continue;
    }

    found++;
    Emit(new
    {
        user = user.UserPrincipalName,
        name = user.DisplayName,
        enabled = user.AccountEnabled ?? false,
        lastSignIn,
        daysInactive = DaysSince(lastSignIn),
        reason,
    });
}

Log.LogInformation("{Found} of {Users} accounts are disabled or inactive for {Days} days", found, users.Count, days);
return null;

// app-credentials.csx: client secrets and certificates of each customer's app registrations that have expired or
// expire within `days` days: the integrations that will stop working (backups, payroll, forms) unless someone renews
// them. One row per credential, soonest first.
//
// Graph: applications (Application.Read.All or Directory.Read.All).
// Parameters: days (default 30): report credentials ending within this many days.
// Run:        runner run app-credentials --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var days = Params.Get<int>("days", 30);
var horizon = DateTimeOffset.UtcNow.AddDays(days);

var apps = await AllPagesAsync<Application, ApplicationCollectionResponse>(await Graph.Applications.GetAsync(r =>
{
    r.QueryParameters.Select = ["id", "appId", "displayName", "passwordCredentials", "keyCredentials"];
    r.QueryParameters.Top = 999;
}, CancellationToken));

var ending = apps
    .SelectMany(app =>
        (app.PasswordCredentials ?? []).Select(s => (app, kind: "secret", name: s.DisplayName ?? s.Hint, end: s.EndDateTime))
        .Concat((app.KeyCredentials ?? []).Select(k => (app, kind: "certificate", name: k.DisplayName, end: k.EndDateTime))))
    .Where(c => c.end is { } end && end <= horizon)
    .OrderBy(c => c.end)
    .Select(c => new
    {
        application = c.app.DisplayName,
        appId = c.app.AppId,
        c.kind,
        c.name,
        ends = c.end!.Value.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        daysLeft = (int)Math.Floor((c.end!.Value - DateTimeOffset.UtcNow).TotalDays),
        expired = c.end <= DateTimeOffset.UtcNow,
    })
    .ToList();

Log.LogInformation("{Apps} app registrations, {Ending} credentials expired or ending within {Days} days.", apps.Count, ending.Count, days);
return ending;

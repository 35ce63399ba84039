// sign-in-review.csx: the sign-ins of the last `days` days worth a second look in each customer tenant: failed ones,
// ones from outside the tenant's country, and legacy authentication (IMAP, POP, SMTP, ActiveSync), which skips MFA.
// One row per sign-in, newest first.
//
// Graph: auditLogs/signIns (AuditLog.Read.All; a GDAP role such as Security Reader, Reports Reader or Global Reader;
// the customer needs Entra ID P1 or P2: without it Graph refuses and the tenant gets no rows and a log line).
// Parameters: days (default 7, at most 30, what Entra keeps).
// Run:        runner run sign-in-review --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line
#load "_lib/paging.csx"

var days = Math.Clamp(Params.Get<int>("days", 7), 1, 30);
var since = DateTimeOffset.UtcNow.AddDays(-days);
string[] legacyClients = ["IMAP4", "POP3", "Authenticated SMTP", "Exchange ActiveSync", "Other clients"];

var organization = (await Graph.Organization.GetAsync(r => r.QueryParameters.Select = ["countryLetterCode"], CancellationToken))?.Value?.FirstOrDefault();
var home = organization?.CountryLetterCode;

List<SignIn> signIns;
try
{
    signIns = await AllPagesAsync<SignIn, SignInCollectionResponse>(await Graph.AuditLogs.SignIns.GetAsync(r =>
    {
        r.QueryParameters.Filter = $"createdDateTime ge {since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
        r.QueryParameters.Top = 999;
    }, CancellationToken));
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.Error?.Code == "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
{
    Log.LogInformation("No Entra ID P1 in this tenant: Graph keeps no sign-in log to review.");
    return Array.Empty<object>();
}

var review = signIns
    .Select(s => new
    {
        when = s.CreatedDateTime?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        user = s.UserPrincipalName,
        app = s.AppDisplayName,
        client = s.ClientAppUsed,
        country = s.Location?.CountryOrRegion,
        ip = s.IpAddress,
        failed = s.Status?.ErrorCode is not (null or 0),
        abroad = home is not null && s.Location?.CountryOrRegion is { Length: > 0 } country && country != home,
        legacy = legacyClients.Contains(s.ClientAppUsed),
    })
    .Where(s => s.failed || s.abroad || s.legacy)
    .ToList();

Log.LogInformation("{SignIns} sign-ins in {Days} days, {Review} to review ({Failed} failed, {Abroad} from abroad, {Legacy} legacy).",
    signIns.Count, days, review.Count, review.Count(s => s.failed), review.Count(s => s.abroad), review.Count(s => s.legacy));
return review;

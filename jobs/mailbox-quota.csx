// mailbox-quota.csx: mailboxes at or past `percent` % of their warning quota in each customer tenant, fullest first,
// before users find they can no longer send. From Microsoft 365's mailbox usage report (refreshed daily).
//
// Graph: reports/getMailboxUsageDetail (Reports.Read.All; a GDAP role such as Reports Reader, Global Reader or
// Exchange Administrator: without one Graph refuses and the tenant gets no rows and a log line). Where the customer
// keeps Microsoft 365's default of concealed user names, rows carry the report's hash instead of the name; a Global
// Administrator can switch that off (admin/reportSettings, displayConcealedNames).
// Parameters: percent (default 90).
// Run:        runner run mailbox-quota --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

var percent = Math.Clamp(Params.Get<int>("percent", 90), 1, 200);

Stream? report;
try
{
    report = await Graph.Reports.GetMailboxUsageDetailWithPeriod("D7").GetAsync(cancellationToken: CancellationToken);
}
catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.ResponseStatusCode == 403)
{
    Log.LogInformation("Graph refused the usage report ({Code}): the partner needs a reporting role here, such as Reports Reader.", e.Error?.Code);
    return Array.Empty<object>();
}

string csv;
using (var reader = new StreamReader(report!))
{
    csv = await reader.ReadToEndAsync(CancellationToken);
}

var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
var header = lines[0].Split(',');
int Column(string name) => Array.IndexOf(header, name);
var (upn, used, warning, deleted) = (Column("User Principal Name"), Column("Storage Used (Byte)"), Column("Issue Warning Quota (Byte)"), Column("Is Deleted"));

var full = new List<(string user, bool concealed, double usedGb, double warningGb, double pct)>();
foreach (var line in lines.Skip(1))
{
    var cells = line.TrimEnd('\r').Split(',');
    if (cells[deleted] == "True" || !long.TryParse(cells[used], out var bytes) || !long.TryParse(cells[warning], out var quota) || quota == 0)
    {
        continue;
    }

    var pct = 100.0 * bytes / quota;
    if (pct >= percent)
    {
        full.Add((cells[upn], !cells[upn].Contains('@'), Math.Round(bytes / 1073741824.0, 2), Math.Round(quota / 1073741824.0, 2), Math.Round(pct, 1)));
    }
}

Log.LogInformation("{Full} mailboxes at or past {Percent} % of their warning quota.", full.Count, percent);
return full.OrderByDescending(f => f.pct).Select(f => new { user = f.user, concealed = f.concealed, usedGb = f.usedGb, warningGb = f.warningGb, percent = f.pct });

// secure-score.csx: each customer's Microsoft Secure Score today, against a week before, with the controls that
// score less than they could. The cross-tenant security report MSPs send their customers. One row per tenant.
//
// Graph: security/secureScores (SecurityEvents.Read.All; a GDAP role such as Security Reader or Global Reader).
// Parameters: days (default 7): compare today's score with the one this many days before.
// Run:        runner run secure-score --tenant all
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

var days = Params.Get<int>("days", 7);

// Newest first, one a day: today's and the one `days` before are the first days + 1.
var scores = (await Graph.Security.SecureScores.GetAsync(r => r.QueryParameters.Top = days + 1, CancellationToken))?.Value ?? [];
if (scores.Count == 0)
{
    Log.LogWarning("No secure score yet (a new tenant gets its first within a day).");
    return null;
}

var today = scores[0];
var before = scores.Count > days ? scores[days] : null;
var current = today.CurrentScore ?? 0;
var max = today.MaxScore ?? 0;
return new
{
    score = Math.Round(current, 2),
    max,
    percent = max > 0 ? Math.Round(100 * current / max, 1) : 0,
    change = before is null ? (double?)null : Math.Round(current - (before.CurrentScore ?? 0), 2),
    averageAllTenants = today.AverageComparativeScores?.FirstOrDefault(a => a.Basis == "AllTenants")?.AverageScore,
    // Controls at zero are where the points are: the names are Microsoft's (see Secure Score's recommended actions).
    missing = string.Join(", ", (today.ControlScores ?? []).Where(c => (c.Score ?? 0) == 0).Select(c => c.ControlName)),
};

using System.Globalization;
using System.Text.Json.Nodes;
using Runner.Benchmarks.Harness;

namespace Runner.Benchmarks.Scenarios;

/// <summary>The powershell scenario's tables, checks and notes, from its samples.</summary>
internal static class PowerShellReport
{
    public static void Fill(Report report, List<VariantSample> samples, IReadOnlyList<int> sizes, List<int> sequentialSkipped, int sequentialMax, int parallel)
    {
        var wall = new Table("Wall time, whole process (start to exit), medians over the runs",
            "size", "variant", "runs", "tenants succeeded", "process ms", "tenants/s", "script or run ms", "token requests", "expected", "API calls / tenant", "list calls", "CPU ms client", "CPU ms sandbox");
        var speedUp = new Table("Runner's speed-up: PowerShell process ms ÷ Runner process ms (medians)",
            "size", "PowerShell variant", "PowerShell ms", "÷ Runner first run", "÷ Runner next run");
        var checks = new Table("Every run: tenants and the calls the sandbox counted",
            "size", "variant", "round", "customers", "succeeded", "failed", "skipped (no GDAP)", "Graph users", "ARM subscriptions", "Partner Center subscriptions", "tenants called", "tenants without 1 Graph + 1 ARM call", "token requests");
        foreach (var size in sizes)
        {
            var bySize = samples.Where(s => s.Size == size).ToList();
            var runnerFirst = Median(bySize, PowerShellVariants.RunnerFirst, s => s.ProcessMs);
            var runnerNext = Median(bySize, PowerShellVariants.RunnerNext, s => s.ProcessMs);
            foreach (var variant in new[] { PowerShellVariants.RunnerFirst, PowerShellVariants.RunnerNext, PowerShellVariants.Sequential, PowerShellVariants.Parallel(parallel) })
            {
                var group = bySize.Where(s => s.Variant == variant).ToList();
                if (group.Count == 0)
                {
                    if (variant == PowerShellVariants.Sequential && sequentialSkipped.Contains(size))
                    {
                        var note = $"skipped: {size:N0} > --sequential-max {sequentialMax:N0}";
                        wall.Add(Size(size), variant, 0, "–", note, "–", "–", "–", "–", "–", "–", "–", "–");
                        speedUp.Add(Size(size), variant, note, "–", "–");
                    }

                    continue;
                }

                var process = Stats.Of(group.Select(s => s.ProcessMs)).Median;
                var tenants = Stats.Of(group.Select(s => (double)s.Succeeded)).Median;
                wall.Add(Size(size), variant, group.Count, Distinct(group.Select(s => s.Succeeded)), process, tenants / (process / 1000), Stats.Of(group.Select(s => s.InProcessMs)).Median,
                    Distinct(group.Select(s => s.Tokens)), ExpectedTokens(group[0]), group.Average(s => s.CallsPerTenantTotal / (double)Math.Max(1, s.Succeeded)),
                    Distinct(group.Select(s => s.ListCalls)), Stats.Of(group.Select(s => s.ClientCpuMs)).Median, Stats.Of(group.Select(s => s.SandboxCpuMs)).Median);
                if (variant.StartsWith("PowerShell", StringComparison.Ordinal))
                {
                    speedUp.Add(Size(size), variant, process, process / runnerFirst, process / runnerNext);
                }

                foreach (var s in group)
                {
                    checks.Add(Size(size), s.Variant, s.Round, s.Customers, s.Succeeded, s.Failed, s.Skipped, s.Users, s.Subscriptions, s.Licences, s.TenantsCalled, s.TenantsOff, s.Tokens);
                }
            }

            AddChecks(report, size, bySize);
        }

        report.Tables.Add(wall);
        report.Tables.Add(speedUp);
        report.Tables.Add(checks);
        foreach (var size in sequentialSkipped)
        {
            report.Notes.Add($"PowerShell sequential was not run at {size:N0} tenants (--sequential-max {sequentialMax:N0}).");
        }

        report.Notes.Add("process = from process start to exit: `dotnet runner.dll run jobs/fanout.csx …` or `pwsh -NoProfile -File fanout.ps1 …`. tenants/s = tenants that succeeded ÷ process seconds. script or run ms: Runner's run durationMs; the PowerShell script's own clock from its first statement to its last (without pwsh's start-up).");
        report.Notes.Add("Both sides list the customers the same way (every Partner Center page, then the GDAP relationships in the partner tenant from Graph; customers without one in force are skipped) and make the same three calls per tenant: GET /v1.0/users?$select=id&$top=5, GET /subscriptions?api-version=2022-12-01 (first page), GET /v1/customers/{id}/subscriptions. PowerShell lists and exchanges tokens on every run (no cache); Runner's next run reuses its cached tokens and customer list.");
        report.Notes.Add("Token requests: 2 per tenant (Graph and ARM in the customer's tenant) plus the partner's 2 (Partner Center, exchanged once, and Graph for the GDAP relationships).");
        report.Notes.Add($"PowerShell calls Invoke-RestMethod without -WebSession, as such scripts usually do; -Parallel runs up to {parallel} runspaces at once. Runner runs with limits {parallel} for every API (not the defaults, Partner Center 8 and token exchanges 16), so both sides have {parallel} requests in flight at most.");
        report.Notes.Add("TLS: pwsh validates certificates as usual (no -SkipCertificateCheck). It is started with SSL_CERT_FILE naming a bundle of the system's CAs plus the sandbox's ca.pem, the CA the runner projects trust through caFile in runner.yaml; .NET on Linux takes its trusted roots from that file.");
        report.Raw["samples"] = new JsonArray([.. samples.Select(s => (JsonNode)s.ToJson())]);
    }

    /// <summary>The checks: the same successful tenants for every variant, 3 API calls per tenant, the expected token requests.</summary>
    private static void AddChecks(Report report, int size, List<VariantSample> samples)
    {
        var succeeded = samples.Select(s => s.Succeeded).Distinct().ToList();
        report.Targets.Add(new Target($"{size:N0}: every variant ends with the same successful tenants, none failed",
            $"one count ({size:N0} asked for)", $"{string.Join(", ", succeeded.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} succeeded, {samples.Sum(s => s.Failed)} failed",
            succeeded.Count == 1 && samples.All(s => s.Failed == 0)));
        var calls = samples.All(s => s.Users == s.Succeeded && s.Subscriptions == s.Succeeded && s.Licences == s.Succeeded && s.TenantsCalled == s.Succeeded && s.TenantsOff == 0);
        report.Targets.Add(new Target($"{size:N0}: 3 API calls per active tenant, every run",
            "1 Graph + 1 ARM per tenant, Partner Center calls = tenants", $"{Distinct(samples.Select(s => (double)s.CallsPerTenantTotal / Math.Max(1, s.Succeeded)))} per tenant, {samples.Sum(s => s.TenantsOff)} tenants off", calls));
        var tokens = samples.All(s => s.Tokens == ExpectedTokenCount(s));
        report.Targets.Add(new Target($"{size:N0}: token requests at the sandbox",
            "2 × tenants + 2 (PowerShell, Runner's first run); 0 (Runner's next run)",
            string.Join("; ", samples.GroupBy(s => s.Variant).Select(g => $"{Short(g.Key)} {Distinct(g.Select(s => s.Tokens))}")), tokens));
    }

    private static long ExpectedTokenCount(VariantSample s) => s.Variant == PowerShellVariants.RunnerNext ? 0 : 2L * s.Succeeded + 2;

    private static string ExpectedTokens(VariantSample s) => s.Variant == PowerShellVariants.RunnerNext ? "0" : $"{ExpectedTokenCount(s):N0}";

    private static string Size(int size) => size.ToString("N0", CultureInfo.InvariantCulture);

    private static string Short(string variant) => variant.Split(" (")[0].Replace("ForEach-Object ", "", StringComparison.Ordinal);

    private static double Median(List<VariantSample> samples, string variant, Func<VariantSample, double> value) =>
        Stats.Of(samples.Where(s => s.Variant == variant).Select(value)).Median;

    private static string Distinct<T>(IEnumerable<T> values) where T : IFormattable =>
        string.Join(", ", values.Select(v => v.ToString(v is double ? "0.00" : "N0", CultureInfo.InvariantCulture)).Distinct());
}

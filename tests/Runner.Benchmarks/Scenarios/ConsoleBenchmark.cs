using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Runner.Benchmarks.Harness;
using Runner.Configuration;
using Runner.History;
using Runner.Web;
using Runner.Web.Data;

namespace Runner.Benchmarks.Scenarios;

/// <summary>
/// The operator console at scale: 100,000 runs in a SQLite history (one tenant result each, 40 jobs) plus one run of
/// 5,000 tenants with a log line each; the Runs page (first page, a deep page, filtered by job, by status, by tenant,
/// by date) and that Run page, each requested 20 times after 3 warm-ups. Server time is the console's own
/// Server-Timing header (pages are rendered whole before they are sent); wall time is the HTTP round trip.
/// </summary>
internal static class ConsoleBenchmark
{
    private const int Runs = 100_000;
    private const int BigRunTenants = 5_000;
    private const int Requests = 20;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var work = Path.Combine(options.WorkDirectory, "console");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        var seed = Stopwatch.StartNew();
        var bigRun = await SeedAsync(Path.Combine(work, ".runner", "history.db"));
        Console.Error.WriteLine($"Seeded {Runs:N0} runs and a {BigRunTenants:N0}-tenant run in {seed.Elapsed.TotalSeconds:0.0} s");

        File.WriteAllText(Path.Combine(work, "runner.yaml"), "cloud: sandbox\n");
        var config = ConfigLoader.Load(Path.Combine(work, "runner.yaml"), new System.Collections.Hashtable());
        await using var history = SqliteRunHistory.Open(Path.Combine(work, ".runner", "history.db"));
        var sources = new ConsoleSources
        {
            Config = config,
            History = history,
            OpenScheduler = _ => throw new InvalidOperationException("The pages measured here never open the scheduler store."),
            HostRunning = (_, _) => Task.FromResult(false),
            Tenants = _ => Task.FromResult<IReadOnlyList<Runner.Tenants.CustomerTenant>>([]),
            Credential = _ => throw new InvalidOperationException("The pages measured here never read the credential."),
            Secrets = new Runner.Secrets.EnvironmentSecretStore(new System.Collections.Hashtable()),
            Redactor = new Runner.Redaction.SecretRedactor(),
            Time = TimeProvider.System,
        };
        await using var app = WebConsole.Build(sources, null, new Uri("http://127.0.0.1:0"));
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        using var http = new HttpClient { BaseAddress = address };

        var pages = new (string Name, string Path)[]
        {
            ("Runs, first page", "/runs"),
            ("Runs, page 1,000 (runs 49,951-50,000)", "/runs?page=1000"),
            ("Runs, one job", "/runs?job=job-07"),
            ("Runs, failed only", "/runs?status=Failed"),
            ("Runs, one tenant", "/runs?tenant=tenant-00042"),
            ("Runs, one day", "/runs?from=2026-06-01&to=2026-06-01"),
            ($"Run of {BigRunTenants:N0} tenants", $"/runs/{bigRun}"),
            ("API: runs, first page (100)", "/api/v1/runs"),
        };
        var report = new Report("console", "The console with 100,000 runs in history", "dotnet run -c Release --project tests/Runner.Benchmarks -- console");
        report.Parameters["runs"] = Runs;
        report.Parameters["bigRunTenants"] = BigRunTenants;
        report.Parameters["requestsPerPage"] = Requests;
        var table = new Table($"Server time and round trip, median of {Requests} (after 3 warm-ups), ms", "page", "server median", "server p90", "server max", "round trip median", "KB");
        double worst = 0;
        foreach (var (name, path) in pages)
        {
            var server = new List<double>();
            var wall = new List<double>();
            long size = 0;
            for (var i = -3; i < Requests; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsByteArrayAsync();
                clock.Stop();
                response.EnsureSuccessStatusCode();
                if (i >= 0)
                {
                    var timing = response.Headers.GetValues("Server-Timing").Single();
                    server.Add(double.Parse(timing[(timing.IndexOf("dur=", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture));
                    wall.Add(clock.Elapsed.TotalMilliseconds);
                    size = body.Length;
                }
            }

            var s = Stats.Of(server);
            worst = Math.Max(worst, s.Median);
            table.Add(name, s.Median, s.P90, s.Max, Stats.Of(wall).Median, size / 1024.0);
        }

        report.Tables.Add(table);
        report.Targets.Add(new Target("Runs and Run pages, 100,000 runs, 5,000-tenant run: server time (median, slowest page)", "≤ 300 ms", $"{worst:0} ms", worst <= 300));
        await app.StopAsync();
        return report;
    }

    /// <summary>Writes the history directly in one transaction (the console reads it as Runner writes it).</summary>
    private static async Task<string> SeedAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await (SqliteRunHistory.Open(path)).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var run = Command(connection, tx, "INSERT INTO runs (id, job, script, trigger, node, started_at, finished_at, status, total, succeeded, failed, attempt) VALUES ($id, $job, 'jobs/x.csx', 'cron', 'node-a', $start, $end, $status, $total, $ok, $failed, 1)",
            "$id", "$job", "$start", "$end", "$status", "$total", "$ok", "$failed");
        await using var result = Command(connection, tx, "INSERT INTO tenant_results (run_id, tenant_id, domain, name, status, started_at, duration_ms, result) VALUES ($run, $tenant, $domain, $name, $status, $start, 1200, $result)",
            "$run", "$tenant", "$domain", "$name", "$status", "$start", "$result");
        await using var log = Command(connection, tx, "INSERT INTO tenant_logs (run_id, tenant_id, seq, at, level, message) VALUES ($run, $tenant, 0, $at, 'Information', $message)",
            "$run", "$tenant", "$at", "$message");
        for (var i = 0; i < Runs; i++)
        {
            var started = start.AddMinutes(i * 3);
            var failed = i % 17 == 0;
            var id = $"{started:yyyyMMdd-HHmmss}-{i:x6}";
            Set(run, id, $"job-{i % 40:00}", Db(started), Db(started.AddSeconds(20)), failed ? "Failed" : "Succeeded", 1, failed ? 0 : 1, failed ? 1 : 0);
            await run.ExecuteNonQueryAsync();
            Set(result, id, $"tenant-{i % 2000:00000}", $"tenant-{i % 2000:00000}.onmicrosoft.com", $"Tenant {i % 2000}", failed ? "Failed" : "Succeeded", Db(started), "{\"users\":12}");
            await result.ExecuteNonQueryAsync();
        }

        var big = $"{start.AddYears(1):yyyyMMdd-HHmmss}-b16b16";
        Set(run, big, "big-report", Db(start.AddYears(1)), Db(start.AddYears(1).AddMinutes(9)), "Succeeded", BigRunTenants, BigRunTenants, 0);
        await run.ExecuteNonQueryAsync();
        for (var t = 0; t < BigRunTenants; t++)
        {
            var tenant = Guid.NewGuid().ToString();
            Set(result, big, tenant, $"customer-{t:00000}.onmicrosoft.com", $"Customer {t}", "Succeeded", Db(start.AddYears(1)), $"{{\"users\":{t % 300},\"licences\":{t % 90},\"mfa\":\"{t % 100}%\"}}");
            await result.ExecuteNonQueryAsync();
            Set(log, big, tenant, Db(start.AddYears(1)), $"Customer {t}: {t % 300} users checked");
            await log.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        return big;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private static string Db(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}

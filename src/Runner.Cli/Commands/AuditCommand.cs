using System.CommandLine;
using System.Globalization;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.History;
using Runner.Writes;

namespace Runner.Cli.Commands;

/// <summary>runner audit: what the jobs changed. Every write a real run sent, filtered by tenant, job and time.</summary>
internal static class AuditCommand
{
    public static Command Create(CliConsole console)
    {
        var tenant = new Option<string?>("--tenant", "-t") { Description = "Only writes in this tenant (id or domain)." };
        var job = new Option<string?>("--job", "-j") { Description = "Only writes of this job's runs." };
        var since = new Option<string?>("--since") { Description = "Only writes this recent (7d, 12h, 30m) or since this date (2026-12-01). Default 7d." };
        var last = new Option<int>("--last", "-n") { Description = "At most this many writes, the newest (default 1000).", DefaultValueFactory = _ => 1000 };
        var whatIf = new Option<bool>("--include-what-if") { Description = "Also list what-if runs' planned writes (marked planned)." };
        var output = new Option<OutputFormat?>("--output", "-o") { Description = "table, json or csv." };
        var command = new Command("audit", CommandHelp.With("List the writes jobs made (method, URL, status, request id, body), by tenant, job and time.", "runner audit --since 7d", "runner audit --job disable-stale-guests --tenant contoso.onmicrosoft.com"))
        {
            tenant, job, since, last, whatIf, output,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var count = parse.GetValue(last);
                if (count is < 1 or > 1_000_000)
                {
                    throw new UsageException($"--last must be between 1 and 1000000, found {count}.");
                }

                var from = Since(parse.GetValue(since) ?? "7d", TimeProvider.System.GetUtcNow());
                var config = context.LoadConfig();
                await using var history = new StoreAccess(context, config).OpenHistory();
                var query = new WriteQuery(null, parse.GetValue(job), parse.GetValue(tenant), from, parse.GetValue(whatIf), count);
                var writes = await history.ListWritesAsync(query, cancellation);
                switch (parse.GetValue(output) ?? OutputFormat.Table)
                {
                    case OutputFormat.Json:
                        await console.Output.WriteLineAsync(new System.Text.Json.Nodes.JsonArray([.. writes.Select(w => (System.Text.Json.Nodes.JsonNode)WriteJson.Of(w))]).ToJsonString(RunJson.Indented));
                        break;
                    case OutputFormat.Csv:
                        WritesRenderer.WriteCsv(writes, console.Output);
                        break;
                    default:
                        var filters = Describe(query);
                        if (writes.Count == 0)
                        {
                            await console.Error.WriteLineAsync($"No writes {filters}.");
                            break;
                        }

                        WritesRenderer.WriteTable(writes, $"{writes.Count} write{(writes.Count == 1 ? "" : "s")} {filters}", withRun: true, console.Out);
                        break;
                }

                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }

    /// <summary>"7d" back from now, or a date/time (UTC unless it says otherwise).</summary>
    internal static DateTimeOffset Since(string text, DateTimeOffset now)
    {
        if (DurationParser.TryParse(text, out var ago) && !text.Contains('-', StringComparison.Ordinal))
        {
            return now - ago;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        throw new UsageException($"--since expects how long ago (7d, 12h, 30m) or a date (2026-12-01), found '{text}'.");
    }

    private static string Describe(WriteQuery query)
    {
        var parts = new List<string>();
        if (query.Job is { } j)
        {
            parts.Add($"by {j}");
        }

        if (query.Tenant is { } t)
        {
            parts.Add($"in {t}");
        }

        parts.Add($"since {query.Since!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        return string.Join(" ", parts);
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Runner.Execution;
using Runner.Writes;

namespace Runner.Cli.Rendering;

/// <summary>
/// `--output json`: one indented document, written a few tenants at a time. A 10,000-tenant run's document is 4
/// million characters; built as one tree and one string it cost a copy of every result, 16 MB of pooled buffers that a
/// run server then kept, and a 9 MB string, all at once at the end of the run.
/// </summary>
internal static class RunOutcomeJson
{
    /// <summary>Bytes gathered before they are handed to the writer.</summary>
    private const int DrainAt = 32 * 1024;

    public static void Write(RunOutcome run, IEnumerable<TenantOutcome> ordered, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(DrainAt * 2);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("runId", run.RunId);
            json.WriteString("job", run.Job);
            json.WriteString("script", run.Script);
            json.WriteString("status", run.Status.ToString());
            json.WriteString("mode", WriteModes.Name(run.Mode) ?? "write");
            json.WriteString("startedAt", run.StartedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
            json.WriteString("finishedAt", run.FinishedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
            json.WriteNumber("durationMs", (long)(run.FinishedAt - run.StartedAt).TotalMilliseconds);
            json.WriteStartObject("summary");
            json.WriteNumber("tenants", run.Tenants.Count);
            json.WriteNumber("succeeded", run.Count(TenantStatus.Succeeded));
            json.WriteNumber("failed", run.Count(TenantStatus.Failed));
            json.WriteNumber("timedOut", run.Count(TenantStatus.TimedOut));
            json.WriteNumber("skipped", run.Count(TenantStatus.Skipped));
            json.WriteNumber("cancelled", run.Count(TenantStatus.Cancelled));
            json.WriteEndObject();
            json.WriteStartArray("tenants");
            foreach (var tenant in ordered)
            {
                WriteTenant(json, tenant);
                if (json.BytesPending + buffer.WrittenCount >= DrainAt)
                {
                    json.Flush();
                    Drain(buffer, output);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        Drain(buffer, output);
        output.WriteLine();
    }

    private static void WriteTenant(Utf8JsonWriter json, TenantOutcome t)
    {
        json.WriteStartObject();
        json.WriteString("tenantId", t.Tenant.Id.ToString());
        json.WriteString("domain", t.Tenant.Domain);
        json.WriteString("companyName", t.Tenant.CompanyName);
        json.WriteString("status", t.Status.ToString());
        json.WriteNumber("durationMs", (long)t.Duration.TotalMilliseconds);
        json.WritePropertyName("result");
        if (t.Result is null)
        {
            json.WriteNullValue();
        }
        else
        {
            t.Result.WriteTo(json);
        }

        json.WriteString("error", t.Error);
        json.WritePropertyName("writes");
        WriteJson.List(t.Writes).WriteTo(json);
        json.WriteEndObject();
    }

    /// <summary>Whole values only (the JSON writer was flushed), so no character is cut in two.</summary>
    private static void Drain(ArrayBufferWriter<byte> buffer, TextWriter output)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        buffer.ResetWrittenCount();
    }
}

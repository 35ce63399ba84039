using Runner.Configuration;
using Runner.Execution;
using Runner.Scheduling;
using Runner.Scripting;

namespace Runner.Web.Data;

/// <summary>A console action that cannot be done, with the reason in words.</summary>
internal sealed class JobActionException(string message) : Exception(message);

/// <summary>What operators do to jobs from the console or the API: run now (through the scheduler, as `runner trigger`), pause, resume.</summary>
internal static class JobActions
{
    public static async Task<string> TriggerAsync(ConsoleSources sources, string name, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> tenants, string actor, CancellationToken cancellation)
    {
        var job = Find(sources.Config, name);
        if (tenants.Count > 0)
        {
            // Checked here against the cached customer list, so a typo is refused with the nearest names, not a failed run.
            try
            {
                Tenants.TenantSelector.Select(await sources.Tenants(cancellation), tenants, [], sources.Config.Tenants, sources.Time.GetUtcNow());
            }
            catch (Tenants.TenantSelectionException e)
            {
                throw new JobActionException(e.Message);
            }

            parameters = new Dictionary<string, string>(parameters) { [SchedulerKeys.TenantSelection] = string.Join(',', tenants) };
        }

        var runId = RunIds.New(sources.Time.GetUtcNow());
        await using var scheduler = await sources.OpenScheduler(cancellation);
        await scheduler.TriggerAsync(job, runId, parameters, cancellation);
        var detail = parameters.Count == 0 ? null : sources.Redactor.Redact(string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}")));
        await sources.History.RecordActionAsync(new History.OperatorAction(sources.Time.GetUtcNow(), actor, "triggered", job.Name, runId, detail), cancellation);
        return runId;
    }

    public static async Task PauseAsync(ConsoleSources sources, string name, bool pause, string actor, CancellationToken cancellation)
    {
        var job = Find(sources.Config, name);
        await using var scheduler = await sources.OpenScheduler(cancellation);
        if (!await scheduler.Scheduler.Exists(job.Key, cancellation))
        {
            throw new JobActionException($"{name} is not in the scheduler store yet: start `runner host` once, then pause or resume it.");
        }

        if (pause)
        {
            await scheduler.Scheduler.PauseJob(job.Key, cancellation);
        }
        else
        {
            await scheduler.Scheduler.ResumeJob(job.Key, cancellation);
        }

        await sources.History.RecordActionAsync(new History.OperatorAction(sources.Time.GetUtcNow(), actor, pause ? "paused" : "resumed", job.Name, null, null), cancellation);
    }

    /// <summary>
    /// Asks the process running <paramref name="runId"/> (on any node) to cancel it: the request is kept in history,
    /// where that process looks every couple of seconds (<see cref="Runtime.CancelRequests"/>).
    /// </summary>
    public static async Task<string> CancelAsync(ConsoleSources sources, string runId, string actor, CancellationToken cancellation)
    {
        var details = await sources.History.GetRunAsync(runId, cancellation) ?? throw new JobActionException($"No run matches '{runId}'.");
        if (details.Run.FinishedAt is not null)
        {
            throw new JobActionException($"Run {details.Run.Id} has already ended ({details.Run.Status}).");
        }

        await sources.History.RecordActionAsync(new History.OperatorAction(sources.Time.GetUtcNow(), actor, Runtime.CancelRequests.Action, details.Run.Job, details.Run.Id, null), cancellation);
        return details.Run.Id;
    }

    /// <summary>"name=value" lines (or ;-separated), as a form's text area gives them.</summary>
    public static IReadOnlyDictionary<string, string> ParseParameters(string text)
    {
        try
        {
            return JobParameters.ParsePairs(text.Split(['\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (JobParameterException e)
        {
            throw new JobActionException(e.Message);
        }
    }

    private static ScheduledJob Find(RunnerConfig config, string name) =>
        name == SchedulerKeys.KeepAlive ? ScheduledJob.KeepAlive(config.Scheduler.KeepAliveSchedule)
        : config.Jobs.TryGetValue(name, out var job) ? ScheduledJob.From(job)
        : throw new JobActionException($"'{name}' is not a job in {config.FilePath}.");
}

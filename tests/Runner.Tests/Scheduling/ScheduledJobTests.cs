using System.Text.Json;
using Quartz;
using Runner.Configuration;
using Runner.Scheduling;

namespace Runner.Tests.Scheduling;

/// <summary>How a runner.yaml job becomes a Quartz job and cron trigger.</summary>
public sealed class ScheduledJobTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static JobSettings Job(string? schedule = "0 0 6 * * ?", MisfirePolicy misfire = MisfirePolicy.FireOnce, int retries = 0, bool enabled = true) => new()
    {
        Name = "inactive-users",
        Script = "/project/jobs/inactive-users.csx",
        Schedule = schedule,
        TimeZone = Berlin,
        Misfire = misfire,
        Retries = retries,
        RetryBackoff = TimeSpan.FromMinutes(2),
        Enabled = enabled,
    };

    [Fact]
    public void The_job_is_durable_recoverable_and_never_runs_beside_itself()
    {
        var detail = ScheduledJob.From(Job()).BuildJob();

        Assert.Equal(new JobKey("inactive-users", SchedulerKeys.JobGroup), detail.Key);
        Assert.True(detail.Durable);
        Assert.True(detail.RequestsRecovery);
        Assert.True(detail.ConcurrentExecutionDisallowed);
    }

    [Fact]
    public void The_cron_trigger_fires_in_the_jobs_time_zone()
    {
        var trigger = (ICronTrigger)ScheduledJob.From(Job()).BuildCronTrigger();
        var after = new DateTimeOffset(2030, 7, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(Berlin, trigger.TimeZone);
        // 06:00 in Berlin in summer is 04:00 UTC.
        Assert.Equal(new DateTimeOffset(2030, 7, 2, 4, 0, 0, TimeSpan.Zero), trigger.GetFireTimeAfter(after));
        Assert.Equal(trigger.GetFireTimeAfter(after), ScheduledJob.From(Job()).NextFireAfter(after));
    }

    [Theory]
    [InlineData(MisfirePolicy.FireOnce, CronTriggerMisfireInstruction.FireAndProceed)]
    [InlineData(MisfirePolicy.Skip, CronTriggerMisfireInstruction.DoNothing)]
    public void The_misfire_policy_becomes_the_cron_misfire_instruction(MisfirePolicy policy, CronTriggerMisfireInstruction expected)
    {
        var trigger = ScheduledJob.From(Job(misfire: policy)).BuildCronTrigger();

        Assert.Equal((int)expected, trigger.MisfireInstructionCode);
    }

    [Fact]
    public void Retries_back_off_exponentially_from_retryBackoff_and_no_retries_means_none()
    {
        var retried = ScheduledJob.From(Job(retries: 3)).Retry;

        Assert.Equal(3, retried.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(2), retried.InitialDelay);
        Assert.Equal(2, retried.BackoffFactor);
        Assert.Equal(RetryPolicy.None, ScheduledJob.From(Job()).Retry);
    }

    [Fact]
    public void The_fingerprint_changes_with_what_the_trigger_is_built_from_and_only_then()
    {
        var baseline = ScheduledJob.From(Job()).Fingerprint;

        Assert.Equal(baseline, ScheduledJob.From(Job()).Fingerprint);
        Assert.NotEqual(baseline, ScheduledJob.From(Job(schedule: "0 0 7 * * ?")).Fingerprint);
        Assert.NotEqual(baseline, ScheduledJob.From(Job(misfire: MisfirePolicy.Skip)).Fingerprint);
        Assert.NotEqual(baseline, ScheduledJob.From(Job(retries: 1)).Fingerprint);
        Assert.NotEqual(baseline, ScheduledJob.From(Job() with { TimeZone = TimeZoneInfo.Utc }).Fingerprint);
    }

    [Fact]
    public void A_job_without_schedule_or_disabled_is_kept_for_triggers_but_not_scheduled()
    {
        Assert.False(ScheduledJob.From(Job(schedule: null)).IsScheduled);
        Assert.False(ScheduledJob.From(Job(enabled: false)).IsScheduled);
        Assert.Null(ScheduledJob.From(Job(enabled: false)).NextFireAfter(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_manual_trigger_fires_now_and_carries_its_run_id_and_parameters()
    {
        var trigger = ScheduledJob.From(Job()).BuildManualTrigger("20261130-080000-abcdef", new Dictionary<string, string> { ["days"] = "30" });

        Assert.Equal(new TriggerKey("20261130-080000-abcdef", SchedulerKeys.ManualTriggerGroup), trigger.Key);
        Assert.Equal("20261130-080000-abcdef", trigger.JobDataMap[SchedulerKeys.RunId]);
        Assert.Equal("30", JsonSerializer.Deserialize<Dictionary<string, string>>((string)trigger.JobDataMap[SchedulerKeys.Parameters]!)!["days"]);
        Assert.False(trigger.GetFireTimeAfter(trigger.StartTimeUtc).HasValue);
    }

    [Fact]
    public void The_keep_alive_is_a_system_job_scheduled_daily_unless_turned_off()
    {
        var keepAlive = ScheduledJob.KeepAlive("0 17 3 * * ?");

        Assert.Equal(new JobKey(SchedulerKeys.KeepAlive, SchedulerKeys.SystemGroup), keepAlive.Key);
        Assert.True(keepAlive.IsScheduled);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 3, 17, 0, TimeSpan.Zero), keepAlive.NextFireAfter(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
        Assert.False(ScheduledJob.KeepAlive(null).IsScheduled);
    }

    [Fact]
    public void Recovered_and_retried_fires_share_the_occurrence_of_the_fire_they_repeat()
    {
        var scheduled = new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero);

        Assert.Equal(scheduled, FireRequest.Occurrence(scheduled.AddMilliseconds(8.1665)));
        Assert.Equal(scheduled, FireRequest.Occurrence(scheduled.ToOffset(TimeSpan.FromHours(1))));
    }
}

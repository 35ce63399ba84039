using Runner.Execution;
using Runner.Scheduling;

namespace Runner.Tests.Scheduling;

/// <summary>What the host records when a worker ends, from what it saw of the worker.</summary>
public sealed class WorkerVerdictTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private static WorkerResult Result(int exitCode = 0, WorkerEvent? finished = null, WorkerEvent? error = null, WorkerKill killed = WorkerKill.None, params string[] stderr) =>
        new(exitCode, finished, error, killed, TimeSpan.FromMinutes(10), stderr);

    [Fact]
    public void A_worker_that_finished_its_run_has_recorded_it_itself()
    {
        var verdict = WorkerVerdict.From(Result(1, finished: new WorkerEvent(WorkerEvent.RunFinished, Status: "Failed")), Grace);

        Assert.Equal(new WorkerVerdict(RunStatus.Failed, null, true), verdict);
        Assert.True(verdict.ShouldRetry(1));
    }

    [Fact]
    public void A_worker_killed_at_its_hard_limit_is_TimedOut_and_says_the_limit()
    {
        var verdict = WorkerVerdict.From(Result(137, killed: WorkerKill.TimedOut), Grace);

        Assert.Equal(RunStatus.TimedOut, verdict.Status);
        Assert.Contains("00:10:00", verdict.Reason);
        Assert.False(verdict.WorkerRecorded);
    }

    [Fact]
    public void A_worker_killed_after_the_shutdown_grace_is_Interrupted_and_not_retried()
    {
        var verdict = WorkerVerdict.From(Result(137, killed: WorkerKill.Shutdown), Grace);

        Assert.Equal(RunStatus.Interrupted, verdict.Status);
        Assert.Contains("shutdown grace of 00:00:30", verdict.Reason);
        Assert.False(verdict.ShouldRetry(137));
    }

    [Fact]
    public void A_stack_overflow_is_named_with_the_innermost_script_frame()
    {
        var verdict = WorkerVerdict.From(Result(134, stderr: ["Stack overflow.", "Repeated 261954 times:", "   at Submission#0.Down(Int32)", "   at Submission#0.<Initialize>()"]), Grace);

        Assert.Equal(RunStatus.Failed, verdict.Status);
        Assert.Contains("stack overflow", verdict.Reason);
        Assert.Contains("Submission#0.Down(Int32)", verdict.Reason);
    }

    [Fact]
    public void A_worker_that_exits_without_finishing_failed_whatever_its_exit_code()
    {
        var verdict = WorkerVerdict.From(Result(0, stderr: "a line the script wrote"), Grace);

        Assert.Equal(RunStatus.Failed, verdict.Status);
        Assert.Contains("exited with code 0 before finishing", verdict.Reason);
        Assert.Contains("a line the script wrote", verdict.Reason);
    }

    [Fact]
    public void A_worker_that_reported_an_error_is_Error_and_only_retried_when_it_may_help()
    {
        var verdict = WorkerVerdict.From(Result(2, error: new WorkerEvent(WorkerEvent.Failed, Error: "jobs/x.csx(2,9): error CS1525: Invalid expression term ';'", ExitCode: 2)), Grace);

        Assert.Equal(RunStatus.Error, verdict.Status);
        Assert.Contains("CS1525", verdict.Reason);
        Assert.False(verdict.ShouldRetry(2));
        Assert.False(verdict.ShouldRetry(3));
        Assert.True(verdict.ShouldRetry(1));
    }

    [Fact]
    public void Events_survive_a_round_trip_and_stray_output_is_not_an_event()
    {
        var e = new WorkerEvent(WorkerEvent.RunStarted, RunId: "r", Tenants: 12, Parallel: 4, TimeoutSeconds: 300);

        Assert.Equal(e, WorkerEvent.TryParse(e.ToJsonLine()));
        Assert.DoesNotContain("\n", e.ToJsonLine());
        Assert.Null(WorkerEvent.TryParse("hello from Console.WriteLine"));
        Assert.Null(WorkerEvent.TryParse("{ not json"));
        Assert.Null(WorkerEvent.TryParse("{\"other\":1}"));
    }
}

using Runner.Execution;

namespace Runner.History;

/// <summary>
/// Where runs are recorded: SQLite in the state folder, or PostgreSQL for a cluster. A run's row is written when it
/// starts and each tenant's outcome as it finishes, so a crash loses at most the last moment of a run.
/// </summary>
internal interface IRunHistory : IAsyncDisposable
{
    /// <summary>Records a run as Running. When the scheduler recorded the run first (before its worker started),
    /// fills in what only the worker knows (process, script, tenant counts) and keeps the rest.</summary>
    Task StartRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>Queues one tenant's outcome; written in the background in small batches.</summary>
    void RecordTenant(string runId, TenantOutcome outcome);

    /// <summary>Writes everything queued for the run and closes its row.</summary>
    Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken);

    /// <summary>Closes a run only if it is still Running (the scheduler's verdict on a worker that ended without
    /// finishing its run); false when the run had already finished.</summary>
    Task<bool> CloseRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string error, CancellationToken cancellationToken);

    /// <summary>Records the process a still-Running run is in, when the scheduler knows it and the worker never said
    /// (it was killed or ended before recording its start): the run must not go on naming the host's process.</summary>
    Task RecordProcessAsync(string runId, int processId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? job, int last, CancellationToken cancellationToken);

    /// <summary>A run by id or unique id prefix, with its tenants and logs.</summary>
    Task<RunDetails?> GetRunAsync(string idOrPrefix, CancellationToken cancellationToken);

    /// <summary>Every attempt at one scheduled occurrence of a job, first attempt first.</summary>
    Task<IReadOnlyList<RunRecord>> ListOccurrenceAsync(string job, DateTimeOffset scheduledFor, CancellationToken cancellationToken);

    /// <summary>Every run still marked Running, on any node.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunningAsync(CancellationToken cancellationToken);

    /// <summary>Marks runs left Running by processes that no longer exist on this node as Interrupted.</summary>
    Task<IReadOnlyList<RunRecord>> MarkInterruptedAsync(string node, Func<int, bool> isProcessAlive, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A filtered page of runs, newest first, filtered in the database.</summary>
    Task<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>Keeps what a person did from the console (who triggered, paused or resumed what).</summary>
    Task RecordActionAsync(OperatorAction action, CancellationToken cancellationToken);

    /// <summary>Actions on one run, or on one job, or all; newest first.</summary>
    Task<IReadOnlyList<OperatorAction>> ListActionsAsync(string? runId, string? job, int last, CancellationToken cancellationToken);

    /// <summary>Adds a notification to the outbox once per event and channel; false when it was already there.</summary>
    Task<bool> EnqueueNotificationAsync(string eventKey, string channel, string payload, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Takes up to <paramref name="max"/> due notifications for this node, each with a lease.</summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimNotificationsAsync(string node, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    Task NotificationSentAsync(OutboxEntry entry, DateTimeOffset now, CancellationToken cancellationToken);

    Task NotificationFailedAsync(OutboxEntry entry, DateTimeOffset? next, string error, CancellationToken cancellationToken);

    Task NotificationDeferredAsync(OutboxEntry entry, DateTimeOffset next, CancellationToken cancellationToken);

    Task<int> NotificationsSentSinceAsync(string channel, DateTimeOffset since, CancellationToken cancellationToken);

    Task<IReadOnlyList<(string EventKey, string Channel, string Status, int Attempts, string? Error)>> ListNotificationsAsync(CancellationToken cancellationToken);

    /// <summary>Writes kept by the audit (or planned by what-if runs, when asked), oldest first, the newest <c>Last</c>.</summary>
    Task<IReadOnlyList<AuditedWrite>> ListWritesAsync(WriteQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes runs older than <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Runner.Auth;
using Runner.Clients;
using Runner.Redaction;
using Runner.Scripting;
using Runner.Tenants;
using Runner.Writes;

namespace Runner.Execution;

/// <param name="Job">Job name, for logs and history.</param>
/// <param name="Parallel">Tenants at the same time.</param>
/// <param name="Timeout">Per-tenant limit; the tenant is TimedOut after it.</param>
/// <param name="BaseDirectory">Script paths in errors are shown relative to this.</param>
internal sealed record ExecutionOptions(string Job, int Parallel, TimeSpan Timeout, JobParameters Parameters, string BaseDirectory)
{
    /// <summary>After Ctrl+C, how long running tenants get to stop (or finish) before they are reported Cancelled.</summary>
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What happens to the script's writes. Default: sent and audited.</summary>
    public WriteMode Writes { get; init; } = WriteMode.Write;

    /// <summary>Why a read-only run is read-only, for the message of a refused write ("--read-only").</summary>
    public string ReadOnlyReason { get; init; } = "";

    /// <summary>The job's granted secrets, for the script's <c>Secrets</c>.</summary>
    public JobSecrets? Secrets { get; init; }
}

/// <summary>
/// Runs one compiled script for many tenants: bounded parallelism, a timeout per tenant, and an outcome for every
/// tenant whatever happens to the others. A script that throws, hangs, ignores its cancellation token or blocks its
/// thread costs only its own tenant. Cancellation stops tenants not yet started (Cancelled) and asks running ones to
/// stop; a tenant that still finishes within the grace period keeps its result.
/// </summary>
internal sealed class FanOutExecutor(TenantClientFactory clients, SecretRedactor redactor, TimeProvider time, ILogger log)
{
    public async Task<IReadOnlyList<TenantOutcome>> RunAsync(
        CompiledScript script,
        IReadOnlyList<CustomerTenant> tenants,
        ExecutionOptions options,
        IRunObserver observer,
        CancellationToken cancellation)
    {
        var results = new TenantOutcome[tenants.Count];
        var serializer = new ResultSerializer(redactor);
        var heap = new HeapTrimmer();
        using var prefetch = new TokenPrefetch(clients.Broker);
        // --parallel workers take the tenants in order: not a task per tenant waiting on a semaphore (10,000 waiting
        // tasks, each with its wait node and cancellation registration, for a 10,000-tenant run).
        var next = -1;
        var work = new Task[Math.Clamp(options.Parallel, 1, Math.Max(tenants.Count, 1))];
        for (var i = 0; i < work.Length; i++)
        {
            work[i] = WorkAsync();
        }

        await Task.WhenAll(work);
        return results;

        async Task WorkAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < tenants.Count)
            {
                // The tenant this worker will take after this one (about: every worker takes the next in order).
                if (index + work.Length < tenants.Count && !cancellation.IsCancellationRequested)
                {
                    prefetch.Ahead(tenants[index + work.Length].Id.ToString());
                }

                await RunSlotAsync(index);
            }
        }

        async Task RunSlotAsync(int index)
        {
            var tenant = tenants[index];
            var key = tenant.Id.ToString();
            try
            {
                if (cancellation.IsCancellationRequested)
                {
                    results[index] = NotStarted(tenant);
                }
                else
                {
                    Notify(observer, o => o.TenantStarted(tenant));
                    prefetch.Started(key);
                    results[index] = await RunOneAsync(script, tenant, options, serializer, observer, cancellation);
                }
            }
            catch (Exception e)
            {
                // Runner's own fault, not the script's (those are outcomes already); still only this tenant's.
                log.LogError(e, "Running {Tenant} failed inside Runner", tenant.Domain);
                results[index] = new TenantOutcome(tenant, TenantStatus.Failed, time.GetUtcNow(), TimeSpan.Zero, null,
                    redactor.Redact($"Runner could not run this tenant: {e.GetType().Name}: {e.Message}"), []);
            }
            finally
            {
                // Reported before the worker takes the next tenant, so observers never see more tenants running than --parallel.
                Notify(observer, o => o.TenantFinished(results[index]));
                prefetch.Finished(key, results[index]?.Status == TenantStatus.Succeeded);
                heap.TenantFinished();
            }
        }
    }

    private void Notify(IRunObserver observer, Action<IRunObserver> action)
    {
        try
        {
            action(observer);
        }
        catch (Exception e)
        {
            // A progress display or history writer that throws must not take a tenant's outcome with it.
            log.LogWarning("A run observer failed: {Error}", redactor.Redact(e.Message));
        }
    }

    private TenantOutcome NotStarted(CustomerTenant tenant) =>
        new(tenant, TenantStatus.Cancelled, time.GetUtcNow(), TimeSpan.Zero, null, "Not started: the run was cancelled.", []);

    private async Task<TenantOutcome> RunOneAsync(CompiledScript script, CustomerTenant tenant, ExecutionOptions options, ResultSerializer serializer, IRunObserver observer, CancellationToken cancellation)
    {
        var started = time.GetUtcNow();
        var clock = time.GetTimestamp();
        // The tenant's span: its script and every HTTP call it makes become children (Activity.Current flows with the task).
        using var span = Telemetry.RunnerTelemetry.Source.StartActivity($"tenant {tenant.Domain}");
        span?.SetTag("runner.tenant.id", tenant.Id.ToString());
        span?.SetTag("runner.tenant.domain", tenant.Domain);
        span?.SetTag("runner.job", options.Job);
        var retries = Clients.Http.RetryLedger.Begin();
        var writes = WriteLedger.Begin(options.Writes, options.ReadOnlyReason, redactor, time);
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        // A refused write (read-only run) stops the tenant at once, even if the script caught the refusal.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token, writes.Refused);
        var key = tenant.Id.ToString();
        var tenantLog = new TenantLog(options.Job, tenant.Domain, log, redactor, time, line => Notify(observer, o => o.TenantWrote(tenant, line)));
        var globals = new ScriptGlobals(
            tenant,
            clients.PartnerCenter(tenant.IsPartner ? null : (tenant.CustomerId.Length > 0 ? tenant.CustomerId : key), linked.Token),
            () => clients.Arm(key),
            () => clients.Graph(key),
            tenantLog,
            options.Parameters,
            new TenantTokens(clients, key, linked.Token),
            linked.Token,
            options.Secrets,
            options.Writes == WriteMode.WhatIf);

        // Set before Task.Run so the script's flow (and every task it starts) writes its console into this tenant's log.
        using var console = ScriptConsole.Capture(tenantLog);

        TenantOutcome Outcome(TenantStatus status, JsonNode? result, string? error)
        {
            console.Dispose();
            span?.SetTag("runner.tenant.status", status.ToString());
            if (status is TenantStatus.Failed or TenantStatus.TimedOut)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, status.ToString());
            }

            return new(tenant, status, started, time.GetElapsedTime(clock), result, error is null ? null : redactor.Redact(error), tenantLog.Lines)
            {
                Writes = writes.Writes,
            };
        }

        // Task.Run: a script that blocks its thread before its first await still lets the timeout take the tenant back.
        var run = Task.Run(async () =>
        {
            using var scriptSpan = Telemetry.RunnerTelemetry.Source.StartActivity("script");
            return await script.InvokeAsync(globals);
        }, CancellationToken.None);
        var ended = await CompletesAsync(run, linked.Token);
        if (writes.Refusal is { } refused)
        {
            // Whatever the script did with the refusal (caught it, went on), the tenant failed on it.
            if (!ended)
            {
                Abandon(run);
            }

            return Outcome(TenantStatus.Failed, Partial(globals, serializer), refused);
        }

        if (!ended)
        {
            if (!cancellation.IsCancellationRequested)
            {
                Abandon(run);
                return Outcome(TenantStatus.TimedOut, Partial(globals, serializer), $"Did not finish within {options.Timeout}.");
            }

            // Ctrl+C: the script has been asked to stop through its token; give it a moment to stop or finish.
            using var grace = new CancellationTokenSource(options.CancelGrace, time);
            using var graceOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(grace.Token, timeout.Token);
            if (!await CompletesAsync(run, graceOrTimeout.Token))
            {
                Abandon(run);
                return timeout.IsCancellationRequested && !grace.IsCancellationRequested
                    ? Outcome(TenantStatus.TimedOut, Partial(globals, serializer), $"Did not finish within {options.Timeout}.")
                    : Outcome(TenantStatus.Cancelled, Partial(globals, serializer), $"Cancelled while running; the script did not stop within {options.CancelGrace.TotalSeconds:0.#} s of being asked.");
            }
        }

        if (run.IsCompletedSuccessfully)
        {
            try
            {
                var rows = globals.EmittedRows;
                var value = run.Result;
                return Outcome(TenantStatus.Succeeded, serializer.ToJson(value ?? (rows.Count > 0 ? rows : null)), null);
            }
            catch (ResultException e)
            {
                return Outcome(TenantStatus.Failed, null, e.Message);
            }
        }

        var error = run.Exception?.InnerExceptions is [var single] ? single : (Exception?)run.Exception ?? new OperationCanceledException();
        if (run.IsFaulted && !cancellation.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            // The whole chain goes to the tenant's log (history; on the console with --verbose); the error stays one line.
            tenantLog.LogDebug("Why {Tenant} failed: {Detail}", tenant.Domain, FailureDetail.Describe(error, retries, options.BaseDirectory));
        }

        if (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            // Past its deadline, whatever the script threw on the way out (SDKs wrap cancellation differently).
            return Outcome(TenantStatus.TimedOut, Partial(globals, serializer), $"Did not finish within {options.Timeout}.");
        }

        if (cancellation.IsCancellationRequested)
        {
            return Outcome(TenantStatus.Cancelled, Partial(globals, serializer),
                error is OperationCanceledException ? "Cancelled while running." : $"Cancelled while running: {Describe(error, options)}");
        }

        if (FindTokenError(error) is { } auth)
        {
            return Outcome(TenantStatus.Failed, null, auth.Message) with { NeedsOperator = auth.NeedsOperator };
        }

        if (Find<Clients.PartnerCenter.PartnerCenterException>(error) is { } partnerCenter && Clients.PartnerCenter.PartnerCenterRefusal.Describe(partnerCenter) is { } refusal)
        {
            // The partner credential itself was refused (e.g. no MFA): the same for every tenant, an operator must act.
            return Outcome(TenantStatus.Failed, null, refusal) with { NeedsOperator = true };
        }

        if (error is Scripting.JobParameterException parameter)
        {
            // A missing or malformed --param is the operator's usage error, not the tenant's: it names the parameter.
            return Outcome(TenantStatus.Failed, null, Describe(parameter, options)) with { IsUsageError = true };
        }

        // A call that failed after its retries ran out says which API gave up, after how many tries, on what answer.
        return Outcome(TenantStatus.Failed, null, retries.LastExhausted is { } gaveUp ? $"{gaveUp}: {Describe(error, options)}" : Describe(error, options));
    }

    /// <summary>Waits for the script or the token, whichever comes first; never throws. True when the script ended.</summary>
    private static async Task<bool> CompletesAsync(Task run, CancellationToken token)
    {
        try
        {
            await run.WaitAsync(token).ConfigureAwait(false);
        }
        catch
        {
            // The script's own outcome is read from the task afterwards.
        }

        return run.IsCompleted;
    }

    /// <summary>A script left running (it ignored its token) must not surface later as an unobserved exception.</summary>
    private static void Abandon(Task run) =>
        run.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Rows a stopped script had emitted so far, kept with its TimedOut or Cancelled outcome.</summary>
    private static JsonNode? Partial(ScriptGlobals globals, ResultSerializer serializer)
    {
        var rows = globals.EmittedRows;
        if (rows.Count == 0)
        {
            return null;
        }

        try
        {
            return serializer.ToJson(rows);
        }
        catch (ResultException)
        {
            return null;
        }
    }

    private static string Describe(Exception error, ExecutionOptions options) =>
        error is ResultException ? error.Message : ScriptErrorLocator.Describe(error, options.BaseDirectory);

    /// <summary>SDKs wrap credential failures (Azure.Identity's AuthenticationFailedException, Kiota's); find ours inside.</summary>
    private static TokenAcquisitionException? FindTokenError(Exception e) => Find<TokenAcquisitionException>(e);

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}

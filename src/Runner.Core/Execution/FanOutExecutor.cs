using Microsoft.Extensions.Logging;
using Runner.Auth;
using Runner.Clients;
using Runner.Redaction;
using Runner.Scripting;
using Runner.Tenants;

namespace Runner.Execution;

/// <param name="Job">Job name, for logs and history.</param>
/// <param name="Parallel">Tenants at the same time.</param>
/// <param name="Timeout">Per-tenant limit; the tenant is TimedOut after it.</param>
/// <param name="BaseDirectory">Script paths in errors are shown relative to this.</param>
internal sealed record ExecutionOptions(string Job, int Parallel, TimeSpan Timeout, JobParameters Parameters, string BaseDirectory);

/// <summary>
/// Runs one compiled script for many tenants: bounded parallelism, a timeout per tenant, and a result for every
/// tenant whatever happens to the others. Cancellation stops tenants not yet started (Cancelled) and asks running
/// ones to stop; their partial outcomes are kept.
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
        using var gate = new SemaphoreSlim(options.Parallel, options.Parallel);
        var work = new Task[tenants.Count];
        for (var i = 0; i < tenants.Count; i++)
        {
            work[i] = RunSlotAsync(i);
        }

        await Task.WhenAll(work);
        return results;

        async Task RunSlotAsync(int index)
        {
            var tenant = tenants[index];
            try
            {
                await gate.WaitAsync(cancellation);
            }
            catch (OperationCanceledException)
            {
                results[index] = new TenantOutcome(tenant, TenantStatus.Cancelled, time.GetUtcNow(), TimeSpan.Zero, null, "Not started: the run was cancelled.", []);
                observer.TenantFinished(results[index]);
                return;
            }

            try
            {
                observer.TenantStarted(tenant);
                results[index] = await RunOneAsync(script, tenant, options, serializer, cancellation);
            }
            finally
            {
                gate.Release();
            }

            observer.TenantFinished(results[index]);
        }
    }

    private async Task<TenantOutcome> RunOneAsync(CompiledScript script, CustomerTenant tenant, ExecutionOptions options, ResultSerializer serializer, CancellationToken cancellation)
    {
        var started = time.GetUtcNow();
        var clock = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        var key = tenant.Id.ToString();
        var tenantLog = new TenantLog(options.Job, tenant.Domain, log, redactor, time);
        var globals = new ScriptGlobals(
            tenant,
            clients.PartnerCenter(tenant.IsPartner ? null : (tenant.CustomerId.Length > 0 ? tenant.CustomerId : key), linked.Token),
            () => clients.Arm(key),
            () => clients.Graph(key),
            tenantLog,
            options.Parameters,
            new TenantTokens(clients, key, linked.Token),
            linked.Token);

        TenantOutcome Outcome(TenantStatus status, System.Text.Json.Nodes.JsonNode? result, string? error) =>
            new(tenant, status, started, time.GetElapsedTime(clock), result, error is null ? null : redactor.Redact(error), tenantLog.Lines);

        try
        {
            // Task.Run: a script that blocks synchronously still lets the timeout take the tenant back.
            var value = await Task.Run(() => script.InvokeAsync(globals), linked.Token).WaitAsync(linked.Token);
            var rows = globals.EmittedRows;
            var result = serializer.ToJson(value ?? (rows.Count > 0 ? rows : null));
            return Outcome(TenantStatus.Succeeded, result, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            return Outcome(TenantStatus.TimedOut, null, $"Did not finish within {options.Timeout}.");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Outcome(TenantStatus.Cancelled, null, "Cancelled while running.");
        }
        catch (TokenAcquisitionException e)
        {
            return Outcome(TenantStatus.Failed, null, e.Message) with { NeedsOperator = e.NeedsOperator };
        }
        catch (ResultException e)
        {
            return Outcome(TenantStatus.Failed, null, e.Message);
        }
        catch (Exception e)
        {
            var auth = FindTokenError(e);
            if (auth is not null)
            {
                return Outcome(TenantStatus.Failed, null, auth.Message) with { NeedsOperator = auth.NeedsOperator };
            }

            return Outcome(TenantStatus.Failed, null, ScriptErrorLocator.Describe(e, options.BaseDirectory));
        }
    }

    /// <summary>SDKs wrap credential failures (Azure.Identity's AuthenticationFailedException, Kiota's); find ours inside.</summary>
    private static TokenAcquisitionException? FindTokenError(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is TokenAcquisitionException token)
            {
                return token;
            }
        }

        return null;
    }
}

using Azure.ResourceManager;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Runner.Clients.PartnerCenter;
using Runner.Tenants;

namespace Runner.Scripting;

/// <summary>
/// What a job script sees as globals. One instance per tenant per run; the clients are authenticated into
/// <see cref="Tenant"/> and share the run's connection pool, token cache, retries and concurrency limits.
/// </summary>
/// <remarks>
/// The script's return value, or the rows it passes to <see cref="Emit"/>, become the tenant's result. Results must
/// be JSON-serialisable: numbers, text, records, anonymous objects, lists and dictionaries of them, Graph models.
/// </remarks>
public sealed class ScriptGlobals
{
    private readonly Lazy<ArmClient> _arm;
    private readonly Lazy<GraphServiceClient> _graph;
    private readonly List<object?> _rows = [];

    internal ScriptGlobals(
        CustomerTenant tenant,
        PartnerCenterClient partnerCenter,
        Func<ArmClient> arm,
        Func<GraphServiceClient> graph,
        ILogger log,
        JobParameters parameters,
        TenantTokens tokens,
        CancellationToken cancellationToken,
        JobSecrets? secrets = null,
        bool whatIf = false)
    {
        Tenant = tenant;
        PartnerCenter = partnerCenter;
        _arm = new Lazy<ArmClient>(arm);
        _graph = new Lazy<GraphServiceClient>(graph);
        Log = log;
        Params = parameters;
        Tokens = tokens;
        CancellationToken = cancellationToken;
        Secrets = secrets ?? JobSecrets.None("");
        WhatIf = whatIf;
    }

    /// <summary>The customer this run is for: id, default domain, company name, GDAP access.</summary>
    public CustomerTenant Tenant { get; }

    /// <summary>Partner Center, as the partner; calls about a customer default to <see cref="Tenant"/>.</summary>
    public PartnerCenterClient PartnerCenter { get; }

    /// <summary>Azure Resource Manager, authenticated into <see cref="Tenant"/>.</summary>
    /// <example><code>await foreach (var sub in Arm.GetSubscriptions().GetAllAsync(CancellationToken)) { ... }</code></example>
    public ArmClient Arm => _arm.Value;

    /// <summary>Microsoft Graph v1.0, authenticated into <see cref="Tenant"/>.</summary>
    /// <example><code>var users = await Graph.Users.GetAsync(r => r.QueryParameters.Top = 999, CancellationToken);</code></example>
    public GraphServiceClient Graph => _graph.Value;

    /// <summary>A logger scoped to this job and tenant; its lines are kept with the run's history.</summary>
    public ILogger Log { get; }

    /// <summary>Job parameters from --param and runner.yaml, with typed getters: <c>Params.Get&lt;int&gt;("days", 90)</c>.</summary>
    public JobParameters Params { get; }

    /// <summary>Access tokens for this tenant and any resource, and authenticated HttpClients.</summary>
    public TenantTokens Tokens { get; }

    /// <summary>Cancelled when the tenant's time is up or the run is interrupted (Ctrl+C). Pass it to every call.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The secrets runner.yaml grants this job (<c>jobs.NAME.secrets</c>, or <c>--secret</c>): <c>Secrets["name"]</c>.</summary>
    public JobSecrets Secrets { get; }

    /// <summary>
    /// True in a <c>runner run --what-if</c> run: every write through <see cref="Graph"/>, <see cref="Arm"/>,
    /// <see cref="PartnerCenter"/> and <see cref="Tokens"/> is recorded and answered with a simulated success, not
    /// sent. Check it before side effects Runner cannot see (e-mail through your own SMTP client, a file, a PSA API
    /// called with your own HttpClient).
    /// </summary>
    public bool WhatIf { get; }

    /// <summary>
    /// Adds a row to this tenant's result: the way to report many items (one row per user, per resource group).
    /// The rows become the result when the script returns nothing or <c>null</c>; a non-null return value is the
    /// result instead. Rows must be JSON-serialisable, like return values. Safe to call from parallel tasks.
    /// </summary>
    /// <example><code>
    /// foreach (var user in users) Emit(new { user.UserPrincipalName, user.AccountEnabled });
    /// return null;
    /// </code></example>
    public void Emit(object? row)
    {
        lock (_rows)
        {
            _rows.Add(row);
        }
    }

    internal IReadOnlyList<object?> EmittedRows
    {
        get
        {
            lock (_rows)
            {
                return _rows.ToList();
            }
        }
    }
}

namespace Runner.Scripting;

/// <summary>The commented job script <c>runner new</c> writes: it compiles, runs against the sandbox, and shows each global.</summary>
internal static class JobTemplate
{
    /// <param name="writes">False (the default of `runner new`): the script says <c>// runner: read-only</c>.</param>
    public static string Render(string name, bool partnerLevel, bool writes = false) =>
        Header(name, partnerLevel, writes) + (partnerLevel ? PartnerBody : CustomerBody) + (writes && !partnerLevel ? WriteExample : "");

    private const string ReadOnlyLines = """
        // runner: read-only
        // (that line makes every run refuse writes: a POST, PUT, PATCH or DELETE fails the tenant, naming the call.
        //  For a job that changes things, remove it, try `runner run ... --what-if`, and give it writes: true in runner.yaml)

        """;

    private const string WritesLines = """
        // This job may change things. Preview every change first: runner run ... --what-if (writes are recorded and
        // simulated, not sent); `runner audit` shows what real runs changed. Scheduled, it needs writes: true in runner.yaml.

        """;

    private static string Header(string name, bool partnerLevel, bool writes) => $$"""
        // {{name}}.csx: describe what this job checks or changes, and why, in one line.
        {{(partnerLevel ? "// runner: partner-level\n// (that line makes the job run once, for the partner's own tenant, instead of once per customer)\n" : "")}}{{(writes ? WritesLines : ReadOnlyLines)}}//
        // Runner runs this script {{(partnerLevel ? "once for the partner" : "once per selected customer tenant, in parallel")}}, with these globals
        // ready to use (docs/scripting.md has an example for each):
        //   Tenant             {{(partnerLevel ? "the partner's own tenant" : "the customer")}}: Tenant.Id, Tenant.Domain, Tenant.CompanyName
        //   Graph              Microsoft Graph (GraphServiceClient), signed in to that tenant
        //   Arm                Azure Resource Manager (ArmClient), signed in to that tenant
        //   PartnerCenter      Partner Center, as the partner{{(partnerLevel ? "" : "; customer calls default to this customer")}}
        //   Tokens             tokens for other APIs (Tokens.Scopes.ExchangeOnline, ...) and authenticated HttpClients
        //   Params             job parameters: --param days=30 on the command line, or params: in runner.yaml
        //   Log                a logger whose lines are kept with the run
        //   Secrets            secrets runner.yaml grants this job (jobs.NAME.secrets), e.g. Secrets["psa-api-key"]
        //   WhatIf             true in a --what-if run: skip side effects Runner cannot see (your own e-mail, files)
        //   CancellationToken  cancelled on timeout or Ctrl+C: pass it to every call
        // What the script returns (or each row passed to Emit(row)) becomes this tenant's result: shown as a table,
        // JSON or CSV, and kept in the run history. Return plain values, records, anonymous objects or lists of them.
        //
        // Try it:  runner check jobs/{{name}}.csx
        //          runner run jobs/{{name}}.csx{{(partnerLevel ? "" : " --tenant all")}} --param days=30
        #load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

        """;

    private const string CustomerBody = """
        // Parameters, with defaults: an error names the parameter if a value does not parse.
        var days = Params.Get<int>("days", 90);
        var since = DateTimeOffset.UtcNow.AddDays(-days);

        // Microsoft Graph: users created in the last `days` days. One page of up to 999 users; for more, follow
        // @odata.nextLink with PageIterator<User, UserCollectionResponse>.
        var users = await Graph.Users.GetAsync(request =>
        {
            request.QueryParameters.Select = ["displayName", "userPrincipalName", "createdDateTime", "accountEnabled"];
            request.QueryParameters.Top = 999;
        }, CancellationToken);
        var recent = users?.Value?.Where(u => u.CreatedDateTime >= since).ToList() ?? [];

        // Partner Center: what the partner sells this customer.
        var subscriptions = await PartnerCenter.GetSubscriptionsAsync(cancellationToken: CancellationToken);

        Log.LogInformation("{Count} users created in the last {Days} days", recent.Count, days);

        // One row for this tenant; use Emit(new { ... }) per item instead to return many rows.
        return new
        {
            newUsers = recent.Count,
            newest = recent.OrderByDescending(u => u.CreatedDateTime).FirstOrDefault()?.UserPrincipalName,
            activeSubscriptions = subscriptions.Count(s => s.Status == "active"),
        };

        """;

    private const string PartnerBody = """
        // Parameters, with defaults: an error names the parameter if a value does not parse.
        var days = Params.Get<int>("days", 30);

        // Partner Center: every customer of the partner (all pages).
        var customers = await PartnerCenter.ListCustomersAsync(CancellationToken);

        // Microsoft Graph, in the partner's tenant: GDAP relationships that end within `days` days.
        var relationships = await Graph.TenantRelationships.DelegatedAdminRelationships.GetAsync(cancellationToken: CancellationToken);
        var ending = relationships?.Value?
            .Where(r => r.Status == Microsoft.Graph.Models.DelegatedAdminRelationshipStatus.Active && r.EndDateTime <= DateTimeOffset.UtcNow.AddDays(days))
            .ToList() ?? [];

        Log.LogInformation("{Customers} customers, {Ending} GDAP relationships ending within {Days} days", customers.Count, ending.Count, days);

        // Emit one row per item: each becomes a row of the result.
        foreach (var relationship in ending)
        {
            Emit(new { customer = relationship.Customer?.DisplayName, ends = relationship.EndDateTime });
        }

        return null;

        """;

    private const string WriteExample = """

        // A write, for example disabling an account (uncomment to use). Through Graph, Arm, PartnerCenter or Tokens'
        // HttpClients it is simulated under --what-if and kept in the audit of a real run:
        // await Graph.Users[userId].PatchAsync(new Microsoft.Graph.Models.User { AccountEnabled = false }, cancellationToken: CancellationToken);

        """;
}

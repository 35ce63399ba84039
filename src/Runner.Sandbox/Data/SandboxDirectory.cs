namespace Runner.Sandbox.Data;

/// <summary>Everything the sandbox knows: the partner, its customers, its app and its GDAP relationships.</summary>
internal sealed class SandboxDirectory
{
    private readonly Dictionary<Guid, SandboxTenant> _byId;
    private readonly Dictionary<string, SandboxTenant> _byDomain;
    private readonly ILookup<Guid, GdapRelationship> _gdapByCustomer;
    private readonly Lazy<Dictionary<string, SandboxTenant>> _subscriptionCandidates;

    public SandboxDirectory(
        SandboxTenant partner,
        IReadOnlyList<SandboxTenant> customers,
        SandboxApplication application,
        SandboxUser partnerAdmin,
        IReadOnlyList<GdapRelationship> relationships,
        int seed)
    {
        Partner = partner;
        Customers = customers;
        Application = application;
        PartnerAdmin = partnerAdmin;
        Relationships = relationships;
        _byId = new Dictionary<Guid, SandboxTenant>(customers.Count + 1) { [partner.Id] = partner };
        _byDomain = new Dictionary<string, SandboxTenant>(StringComparer.OrdinalIgnoreCase) { [partner.Domain] = partner };
        foreach (var customer in customers)
        {
            _byId[customer.Id] = customer;
            _byDomain[customer.Domain] = customer;
        }

        _gdapByCustomer = relationships.ToLookup(r => r.CustomerTenantId);
        _subscriptionCandidates = new Lazy<Dictionary<string, SandboxTenant>>(() => SubscriptionCandidates(seed));
    }

    public SandboxTenant Partner { get; }

    public IReadOnlyList<SandboxTenant> Customers { get; }

    public SandboxApplication Application { get; }

    public SandboxUser PartnerAdmin { get; }

    public IReadOnlyList<GdapRelationship> Relationships { get; }

    /// <summary>Finds a tenant by GUID or by its onmicrosoft.com domain, as Entra's tenant path segment allows.</summary>
    public SandboxTenant? FindTenant(string idOrDomain)
    {
        if (Guid.TryParse(idOrDomain, out var id))
        {
            return _byId.GetValueOrDefault(id);
        }

        return _byDomain.GetValueOrDefault(idOrDomain);
    }

    public SandboxTenant? FindTenant(Guid id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// The customer whose Azure subscription this is, found without building every customer's content (a sandbox
    /// with thousands of customers must not generate them all to answer one refused request).
    /// </summary>
    public SandboxTenant? FindSubscriptionOwner(string subscriptionId) =>
        _subscriptionCandidates.Value.TryGetValue(subscriptionId, out var owner) &&
        owner.Content.AzureSubscriptions.Any(s => string.Equals(s.SubscriptionId, subscriptionId, StringComparison.OrdinalIgnoreCase))
            ? owner
            : null;

    /// <summary>Every GDAP relationship with the customer (a customer often has several).</summary>
    public IEnumerable<GdapRelationship> RelationshipsOf(Guid customerTenantId) => _gdapByCustomer[customerTenantId];

    /// <summary>Whether the partner's admin agents may act in <paramref name="tenant"/> at <paramref name="now"/>:
    /// when any of its relationships is in force.</summary>
    public bool HasActiveRelationship(SandboxTenant tenant, DateTimeOffset now) =>
        RelationshipsOf(tenant.Id).Any(r => r.GrantsAccessAt(now));

    /// <summary>The relationship that says most about the partner's access: one in force if any (the latest end),
    /// else the one most recently in force, else any.</summary>
    public GdapRelationship? BestRelationship(Guid customerTenantId, DateTimeOffset now) =>
        RelationshipsOf(customerTenantId)
            .OrderByDescending(r => r.GrantsAccessAt(now))
            .ThenByDescending(r => r.ActivatedDateTime is not null)
            .ThenByDescending(r => r.EndDateTime)
            .FirstOrDefault();

    /// <summary>The Entra roles (role definition ids) the relationships in force grant the partner in the tenant.</summary>
    public IReadOnlySet<string> GrantedRoles(Guid customerTenantId, DateTimeOffset now) =>
        RelationshipsOf(customerTenantId).Where(r => r.GrantsAccessAt(now)).SelectMany(r => r.RoleDefinitionIds).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, SandboxTenant> SubscriptionCandidates(int seed)
    {
        var map = new Dictionary<string, SandboxTenant>(Customers.Count * AzureSeeder.MaxSubscriptions, StringComparer.OrdinalIgnoreCase);
        foreach (var customer in Customers)
        {
            for (var n = 0; n < AzureSeeder.MaxSubscriptions; n++)
            {
                map[AzureSeeder.SubscriptionId(seed, customer.Id, n)] = customer;
            }
        }

        return map;
    }
}

using Runner.Auth;
using Runner.Clients;
using Runner.Clients.PartnerCenter;
using Runner.Clouds;

namespace Runner.Tenants;

/// <summary>Whether a token for one resource in one tenant can be had, in the categories an operator acts on.</summary>
internal enum AccessState
{
    Ok,

    /// <summary>No active GDAP relationship (known from Partner Center/Graph, or refused by Entra with AADSTS50020/50177).</summary>
    NoGdap,

    ConsentMissing,

    MfaRequired,

    ConditionalAccess,

    /// <summary>The token service throttled or did not answer; trying again later may work.</summary>
    Unavailable,

    Other,
}

/// <summary>The answer for one resource; <see cref="Message"/> says what to do, <see cref="Aadsts"/> is Entra's code.</summary>
internal sealed record AccessResult(AccessState State, string? Aadsts, string? Message)
{
    public static readonly AccessResult Ok = new(AccessState.Ok, null, null);

    public bool IsOk => State == AccessState.Ok;
}

/// <summary>One tenant's row of the matrix. <see cref="Tried"/> is false when the directory already says there is no GDAP.</summary>
internal sealed record TenantAccess(CustomerTenant Tenant, bool Tried, AccessResult PartnerCenter, AccessResult Graph, AccessResult ResourceManager)
{
    public IEnumerable<(string Resource, AccessResult Result)> Results =>
        [("Partner Center", PartnerCenter), ("Graph", Graph), ("ARM", ResourceManager)];

    /// <summary>Every resource answered, or the tenant is knowingly out of reach (no GDAP), which runs skip anyway.</summary>
    public bool IsHealthy => !Tried || Results.All(r => r.Result.IsOk);
}

/// <summary>
/// `runner tenants --check`: asks the token broker for each tenant's Graph and ARM tokens, as a run would, and
/// checks Partner Center access with a Partner Center call about the customer (its subscriptions) made with the
/// partner's token — Partner Center tokens exist only in the partner tenant, so none is ever asked for in a customer
/// tenant. Answers are sorted into OK / no GDAP / consent missing / MFA / conditional access / other. Tokens won here
/// are cached like any other, so the next run does not exchange them again.
/// </summary>
internal sealed class TenantAccessCheck(TokenBroker broker, TenantClientFactory clients, CloudEndpoints cloud, TimeProvider time)
{
    public async Task<IReadOnlyList<TenantAccess>> CheckAsync(IReadOnlyList<CustomerTenant> tenants, int parallel, CancellationToken cancellationToken)
    {
        var results = new TenantAccess[tenants.Count];
        var now = time.GetUtcNow();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, tenants.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var tenant = tenants[index];
                if (TenantSelector.SkipReason(tenant, now) is { } reason)
                {
                    var none = new AccessResult(AccessState.NoGdap, null, reason);
                    results[index] = new TenantAccess(tenant, false, none, none, none);
                    return;
                }

                var id = tenant.Id.ToString();
                results[index] = new TenantAccess(
                    tenant,
                    true,
                    await TryPartnerCenterAsync(id, ct),
                    await TryAsync(id, cloud.GraphScope, ct),
                    await TryAsync(id, cloud.ResourceManagerScope, ct));
            });
        return results;
    }

    private async Task<AccessResult> TryAsync(string tenant, string scope, CancellationToken cancellationToken)
    {
        try
        {
            await broker.GetTokenAsync(tenant, scope, cancellationToken);
            return AccessResult.Ok;
        }
        catch (TokenAcquisitionException e) when (!e.NeedsOperator)
        {
            // A broken partner credential (NeedsOperator) is not a tenant's problem: it ends the check with exit 3.
            return Classify(e);
        }
    }

    private async Task<AccessResult> TryPartnerCenterAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            await clients.PartnerCenter(customerId, cancellationToken).GetSubscriptionsAsync(cancellationToken: cancellationToken);
            return AccessResult.Ok;
        }
        catch (TokenAcquisitionException e) when (!e.NeedsOperator)
        {
            return Classify(e);
        }
        catch (PartnerCenterException e) when (PartnerCenterRefusal.Describe(e) is null)
        {
            // A refusal of the partner credential itself (e.g. 900421, no MFA) propagates: it ends the check with exit 3.
            var state = e.StatusCode switch
            {
                403 => AccessState.NoGdap,
                429 or >= 500 => AccessState.Unavailable,
                _ => AccessState.Other,
            };
            return new AccessResult(state, null, e.Message);
        }
    }

    public static AccessResult Classify(TokenAcquisitionException e) => new(
        e.Problem switch
        {
            AuthProblem.NoTenantAccess => AccessState.NoGdap,
            AuthProblem.ConsentMissing => AccessState.ConsentMissing,
            AuthProblem.MfaRequired => AccessState.MfaRequired,
            AuthProblem.ConditionalAccess => AccessState.ConditionalAccess,
            AuthProblem.ServiceUnavailable => AccessState.Unavailable,
            _ => AccessState.Other,
        },
        e.Aadsts,
        e.Message);
}

using System.Text.RegularExpressions;
using Runner.Configuration;

namespace Runner.Tenants;

/// <summary>Which tenants a run covers, and which it skips and why.</summary>
internal sealed record TenantSelection(IReadOnlyList<CustomerTenant> Run, IReadOnlyList<(CustomerTenant Tenant, string Reason)> Skipped);

/// <summary>
/// Resolves selectors: a tenant id, domain or company name; <c>all</c>; <c>group:NAME</c> from runner.yaml;
/// <c>name:GLOB</c> on company names (or a bare glob on domains and names). Exclusions (--exclude and runner.yaml)
/// use the same forms. Tenants without active GDAP are skipped with the reason rather than failed.
/// </summary>
internal static class TenantSelector
{
    public static TenantSelection Select(
        IReadOnlyList<CustomerTenant> all,
        IReadOnlyList<string> include,
        IReadOnlyList<string> exclude,
        TenantSettings settings,
        DateTimeOffset now)
    {
        var chosen = new HashSet<Guid>();
        foreach (var selector in include.Count == 0 ? ["all"] : include)
        {
            foreach (var tenant in Match(all, selector, settings, [], strict: true))
            {
                chosen.Add(tenant.Id);
            }
        }

        foreach (var selector in exclude)
        {
            foreach (var tenant in Match(all, selector, settings, [], strict: true))
            {
                chosen.Remove(tenant.Id);
            }
        }

        foreach (var selector in settings.Exclude)
        {
            // A global exclusion naming a customer that is gone must not break every run.
            foreach (var tenant in Match(all, selector, settings, [], strict: false))
            {
                chosen.Remove(tenant.Id);
            }
        }

        var run = new List<CustomerTenant>();
        var skipped = new List<(CustomerTenant, string)>();
        foreach (var tenant in all.Where(t => chosen.Contains(t.Id)).OrderBy(t => t.CompanyName, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Domain, StringComparer.OrdinalIgnoreCase))
        {
            var reason = SkipReason(tenant, now);
            if (reason is null)
            {
                run.Add(tenant);
            }
            else
            {
                skipped.Add((tenant, reason));
            }
        }

        return new TenantSelection(run, skipped);
    }

    public static string? SkipReason(CustomerTenant tenant, DateTimeOffset now) => tenant.Gdap switch
    {
        { Status: "none" } => "No GDAP relationship with this customer: the partner has no admin access.",
        { Status: "active" or "expiring", EndDateTime: { } end } when end <= now => $"The GDAP relationship ended on {end:yyyy-MM-dd}.",
        { Status: "active" or "expiring" or "unknown" } => null,
        { Status: var status } when status is "created" or "approvalPending" or "approved" or "activating" =>
            $"The GDAP relationship is not in force yet ({status}): the customer must approve it, then it takes effect. No admin access until then.",
        { Status: var status } when status is "terminationRequested" or "terminating" =>
            $"The GDAP relationship is being terminated ({status}); Runner does not act in a tenant whose access is ending.",
        { Status: var status, EndDateTime: { } end } => $"The GDAP relationship is {status} (ended {end:yyyy-MM-dd}).",
        { Status: var status } => $"The GDAP relationship is {status}.",
    };

    private static IEnumerable<CustomerTenant> Match(IReadOnlyList<CustomerTenant> all, string selector, TenantSettings settings, HashSet<string> expanding, bool strict)
    {
        var value = selector.Trim();
        if (value.Equals("all", StringComparison.OrdinalIgnoreCase) || value == "*")
        {
            return all;
        }

        if (value.StartsWith("group:", StringComparison.OrdinalIgnoreCase))
        {
            var name = value[6..];
            if (!settings.Groups.TryGetValue(name, out var members))
            {
                if (!strict)
                {
                    return [];
                }

                var nearest = Configuration.Suggest.Ranked(name, settings.Groups.Keys, 3);
                throw new TenantSelectionException(settings.Groups.Count == 0
                    ? $"There is no tenant group '{name}': runner.yaml defines no groups (tenants: groups:)."
                    : $"There is no tenant group '{name}'." + (nearest.Count > 0 ? $" Did you mean {string.Join(", ", nearest.Select(n => $"group:{n}"))}?" : $" Groups: {string.Join(", ", settings.Groups.Keys)}."));
            }

            if (!expanding.Add(name))
            {
                throw new TenantSelectionException($"The tenant group '{name}' includes itself.");
            }

            var result = members.SelectMany(m => Match(all, m, settings, expanding, strict)).Distinct().ToList();
            expanding.Remove(name);
            return result;
        }

        if (value.StartsWith("name:", StringComparison.OrdinalIgnoreCase))
        {
            var pattern = Glob(value[5..]);
            var named = all.Where(t => pattern.IsMatch(t.CompanyName)).ToList();
            return named.Count > 0 || !strict ? named : throw NotFound(all, value[5..], selector);
        }

        if (value.Contains('*') || value.Contains('?'))
        {
            var pattern = Glob(value);
            var matched = all.Where(t => pattern.IsMatch(t.Domain) || pattern.IsMatch(t.CompanyName)).ToList();
            return matched.Count > 0 || !strict ? matched : throw NotFound(all, value, selector);
        }

        var exact = all.Where(t =>
            (Guid.TryParse(value, out var id) && (t.Id == id || string.Equals(t.CustomerId, value, StringComparison.OrdinalIgnoreCase))) ||
            string.Equals(t.Domain, value, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(t.CompanyName, value, StringComparison.OrdinalIgnoreCase)).ToList();
        return exact.Count > 0 || !strict ? exact : throw NotFound(all, value, selector);
    }

    private static TenantSelectionException NotFound(IReadOnlyList<CustomerTenant> all, string value, string selector)
    {
        var candidates = all.SelectMany(t => new[] { t.Domain, t.CompanyName }).Distinct(StringComparer.OrdinalIgnoreCase);
        var nearest = Configuration.Suggest.Ranked(value.Trim('*', '?'), candidates, 5);
        var hint = nearest.Count > 0 ? $" Nearest matches: {string.Join(", ", nearest)}." : " Run `runner tenants` to list them.";
        return new TenantSelectionException($"No customer tenant matches '{selector}'.{hint}");
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}

/// <summary>A tenant selector matched nothing; the message lists the nearest matches.</summary>
internal sealed class TenantSelectionException(string message) : Exception(message);

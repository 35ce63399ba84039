namespace Runner.Sandbox.Data;

/// <summary>A customer's Azure estate: subscriptions, resource groups (some missing required tags) and resources.</summary>
internal static class AzureSeeder
{
    /// <summary>Most customers have one to three subscriptions; the 6th of each ten has no Azure at all.</summary>
    public const int MaxSubscriptions = 3;

    public static List<AzureSubscription> Build(Random random, int seed, SandboxTenant tenant, DateTimeOffset today)
    {
        var count = tenant.Index % 10 == 5 ? 0 : 1 + random.Next(0, MaxSubscriptions);
        var list = new List<AzureSubscription>(count);
        string[] environments = ["prod", "dev", "test", "shared"];
        for (var s = 0; s < count; s++)
        {
            var groups = new List<ResourceGroup>();
            var groupCount = 1 + random.Next(0, 4);
            for (var g = 0; g < groupCount; g++)
            {
                var location = SandboxNames.Locations[random.Next(SandboxNames.Locations.Length)];
                var env = environments[random.Next(environments.Length)];
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                // About a third of resource groups lack the owner or cost-centre tag a policy would require.
                if (random.Next(3) != 0)
                {
                    tags["owner"] = $"{SandboxNames.GivenNames[random.Next(SandboxNames.GivenNames.Length)].ToLowerInvariant()}@{tenant.Domain}";
                }

                if (random.Next(3) != 0)
                {
                    tags["costCenter"] = $"CC-{random.Next(1000, 9999)}";
                }

                tags["environment"] = env;
                var resources = new List<AzureResource>();
                var resourceCount = 1 + random.Next(0, 5);
                for (var r = 0; r < resourceCount; r++)
                {
                    var (type, kind, prefix) = random.Next(5) switch
                    {
                        0 => ("Microsoft.Storage/storageAccounts", "StorageV2", "st"),
                        1 => ("Microsoft.Compute/virtualMachines", "", "vm"),
                        2 => ("Microsoft.Network/virtualNetworks", "", "vnet"),
                        3 => ("Microsoft.Web/sites", "app", "app"),
                        _ => ("Microsoft.KeyVault/vaults", "", "kv"),
                    };
                    resources.Add(new AzureResource($"{prefix}{env}{random.Next(100, 999)}", type, location,
                        random.Next(2) == 0 ? new Dictionary<string, string>(tags) : [], kind, today.AddDays(-random.Next(1, 700))));
                }

                groups.Add(new ResourceGroup { Name = $"rg-{env}-{g + 1}", Location = location, Tags = tags, Resources = resources });
            }

            list.Add(new AzureSubscription
            {
                SubscriptionId = SubscriptionId(seed, tenant.Id, s),
                TenantId = tenant.Id,
                DisplayName = s == 0 ? "Azure plan" : $"Azure plan {s + 1}",
                State = "Enabled",
                ResourceGroups = groups,
            });
        }

        return list;
    }

    /// <summary>The id of a tenant's n-th subscription, computable without building the tenant's content.</summary>
    public static string SubscriptionId(int seed, Guid tenantId, int n) => DeterministicGuid.Create(seed, $"{tenantId}:azsub:{n}").ToString();
}

namespace Runner.Sandbox.Data;

/// <summary>
/// Who reports to whom, from its own random stream so nothing else moves: the first member (the Global
/// Administrator) and the next two lead; most other members report to one of them; a few have no manager, and guests
/// never do. An offboarding job that hands a leaver's reports to someone else finds reports to hand over.
/// </summary>
internal static class ManagerSeeder
{
    public static void AssignManagers(int seed, SandboxTenant tenant, List<SandboxUser> users)
    {
        var random = new Random(DeterministicGuid.RandomSeed(seed, $"managers:{tenant.Id}"));
        var members = users.Where(u => u.UserType == "Member").ToList();
        var leads = members.Take(3).ToList();
        for (var i = 1; i < members.Count; i++)
        {
            if (i < leads.Count)
            {
                members[i].ManagerId = leads[0].Id;
            }
            else if (random.Next(10) != 0)
            {
                members[i].ManagerId = leads[random.Next(leads.Count)].Id;
            }
        }
    }
}

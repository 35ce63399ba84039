using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.Graph;

/// <summary>
/// The CSV files of the Microsoft 365 usage reports the sandbox emulates, columns as their pages list them, built from
/// the tenant's users (and users deleted within the period). The numbers are stable per user: mailboxes between a
/// few hundred megabytes and, for about one user in eight, past the warning quota, as a "mailbox nearly full" report
/// should find. With concealed names (admin/reportSettings), user principal and display names are replaced by a hash,
/// as Microsoft 365 does by default.
/// </summary>
internal static class UsageReports
{
    private const long Gb = 1024L * 1024 * 1024;

    public static readonly string[] Periods = ["D7", "D30", "D90", "D180"];

    public static string MailboxUsageDetail(TenantContent content, DateTimeOffset today, string period)
    {
        var csv = Header("Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date", "Created Date", "Last Activity Date",
            "Item Count", "Storage Used (Byte)", "Issue Warning Quota (Byte)", "Prohibit Send Quota (Byte)", "Prohibit Send/Receive Quota (Byte)",
            "Deleted Item Count", "Deleted Item Size (Byte)", "Deleted Item Quota (Byte)", "Has Archive", "Report Period");
        foreach (var (user, deleted) in Users(content, today, period).Where(u => Plans(content, u.User).Any(p => p.StartsWith("EXCHANGE_S_", StringComparison.Ordinal))))
        {
            var stable = Stable(user);
            var enterprise = Plans(content, user).Contains("EXCHANGE_S_ENTERPRISE");
            // Exchange Online's defaults: 50 GB (100 GB with an enterprise plan), the warning 1 GB and the send limit 0.5 GB before it.
            var quota = (enterprise ? 100 : 50) * Gb;
            var warning = quota - Gb;
            const long Mb = 1024 * 1024;
            var used = stable % 8 == 0 ? warning - 200 * Mb + stable % (400 * Mb) : 300 * Mb + stable % (quota / 2);
            Row(csv, Refresh(today), Name(content, user.UserPrincipalName), Name(content, user.DisplayName), deleted is null ? "False" : "True", Day(deleted),
                Day(user.CreatedDateTime), Day(user.LastSignInDateTime), (used / 60_000).ToString(CultureInfo.InvariantCulture), used.ToString(CultureInfo.InvariantCulture),
                warning.ToString(CultureInfo.InvariantCulture), (quota - Gb / 2).ToString(CultureInfo.InvariantCulture), quota.ToString(CultureInfo.InvariantCulture),
                (stable % 900).ToString(CultureInfo.InvariantCulture), (stable % 900 * 48_000L).ToString(CultureInfo.InvariantCulture), (30 * Gb).ToString(CultureInfo.InvariantCulture),
                enterprise && stable % 3 == 0 ? "True" : "False", period[1..]);
        }

        return csv.ToString();
    }

    public static string Office365ActiveUserDetail(TenantContent content, DateTimeOffset today, string period)
    {
        var csv = Header("Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date", "Has Exchange License", "Has OneDrive License",
            "Has SharePoint License", "Has Skype For Business License", "Has Yammer License", "Has Teams License", "Exchange Last Activity Date",
            "OneDrive Last Activity Date", "SharePoint Last Activity Date", "Skype For Business Last Activity Date", "Yammer Last Activity Date",
            "Teams Last Activity Date", "Exchange License Assign Date", "OneDrive License Assign Date", "SharePoint License Assign Date",
            "Skype For Business License Assign Date", "Yammer License Assign Date", "Teams License Assign Date", "Assigned Products");
        foreach (var (user, deleted) in Users(content, today, period))
        {
            var plans = Plans(content, user);
            var exchange = plans.Any(p => p.StartsWith("EXCHANGE_S_", StringComparison.Ordinal));
            // Every suite the sandbox sells with Skype/Teams also carries OneDrive, SharePoint and Yammer; Exchange Online alone does not.
            var suite = plans.Contains("MCOSTANDARD");
            var active = user.LastSignInDateTime is { } last && last > today.AddDays(-int.Parse(period[1..], CultureInfo.InvariantCulture)) ? Day(last) : "";
            var assigned = Day(user.CreatedDateTime);
            var products = string.Join('+', content.PartnerSubscriptions.Select(s => s.Product).DistinctBy(p => p.SkuId)
                .Where(p => user.AssignedSkuIds.Contains(p.SkuId)).Select(p => p.Name.ToUpperInvariant()));
            Row(csv, Refresh(today), Name(content, user.UserPrincipalName), Name(content, user.DisplayName), deleted is null ? "False" : "True", Day(deleted),
                Flag(exchange), Flag(suite), Flag(suite), Flag(suite), Flag(suite), Flag(suite),
                exchange ? active : "", suite ? active : "", suite ? active : "", "", "", suite ? active : "",
                exchange ? assigned : "", suite ? assigned : "", suite ? assigned : "", suite ? assigned : "", suite ? assigned : "", suite ? assigned : "", products);
        }

        return csv.ToString();
    }

    /// <summary>One OneDrive per member with a suite licence (Exchange Online alone has none): 1 TB allocated.</summary>
    public static string OneDriveUsageAccountDetail(TenantContent content, DateTimeOffset today, string period)
    {
        var csv = Header("Report Refresh Date", "Site URL", "Owner Display Name", "Is Deleted", "Last Activity Date", "File Count", "Active File Count",
            "Storage Used (Byte)", "Storage Allocated (Byte)", "Owner Principal Name", "Report Period");
        const long Tb = 1024 * Gb;
        foreach (var (user, deleted) in Users(content, today, period).Where(u => Plans(content, u.User).Contains("MCOSTANDARD")))
        {
            var stable = Stable(user);
            var host = user.UserPrincipalName[(user.UserPrincipalName.IndexOf('@') + 1)..].Split('.')[0];
            var site = $"https://{host}-my.sharepoint.com/personal/{user.UserPrincipalName.Replace('@', '_').Replace('.', '_')}";
            var files = stable % 20_000;
            Row(csv, Refresh(today), Name(content, site), Name(content, user.DisplayName), deleted is null ? "False" : "True", Day(user.LastSignInDateTime),
                files.ToString(CultureInfo.InvariantCulture), (files / 10).ToString(CultureInfo.InvariantCulture),
                (stable % (200 * Gb)).ToString(CultureInfo.InvariantCulture), Tb.ToString(CultureInfo.InvariantCulture), Name(content, user.UserPrincipalName), period[1..]);
        }

        return csv.ToString();
    }

    /// <summary>Members, and members deleted within the period (call under the content lock).</summary>
    private static IEnumerable<(SandboxUser User, DateTimeOffset? Deleted)> Users(TenantContent content, DateTimeOffset today, string period)
    {
        var since = today.AddDays(-int.Parse(period[1..], CultureInfo.InvariantCulture));
        return content.Users.Where(u => u.UserType == "Member").Select(u => (u, (DateTimeOffset?)null))
            .Concat(content.DeletedUsers.Where(d => d.DeletedDateTime > since).Select(d => (d.User, (DateTimeOffset?)d.DeletedDateTime)));
    }

    private static HashSet<string> Plans(TenantContent content, SandboxUser user) =>
        [.. content.PartnerSubscriptions.Where(s => user.AssignedSkuIds.Contains(s.Product.SkuId)).SelectMany(s => s.Product.ServicePlans)];

    /// <summary>What Microsoft 365 shows instead of a name when names are concealed: an MD5-like hex digest.</summary>
    private static string Name(TenantContent content, string name) =>
        content.DisplayConcealedNames ? Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant()))) : name;

    private static long Stable(SandboxUser user) => BitConverter.ToInt64(user.Id.ToByteArray(), 8) & long.MaxValue;

    /// <summary>Reports are refreshed daily with the day before's data.</summary>
    private static string Refresh(DateTimeOffset today) => Day(today.AddDays(-1));

    private static string Day(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static string Flag(bool value) => value ? "True" : "False";

    /// <summary>Microsoft's CSV files start with a byte order mark.</summary>
    private static StringBuilder Header(params string[] columns) => new StringBuilder("\uFEFF").AppendJoin(',', columns).Append('\n');

    private static void Row(StringBuilder csv, params string[] values) =>
        csv.AppendJoin(',', values.Select(v => v.Contains(',', StringComparison.Ordinal) || v.Contains('"', StringComparison.Ordinal) ? $"\"{v.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : v)).Append('\n');
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.ResourceManager;

/// <summary>
/// DELETE /subscriptions/{id}/resourcegroups/{rg} ("Resource Groups - Delete") as ARM answers it: 202 Accepted with a
/// Location to poll and Retry-After ("Track asynchronous Azure operations"). The group is "Deleting" meanwhile (listed,
/// readable, refusing writes with 409 ResourceGroupBeingDeleted); its poll answers 202 once, and on the next poll, or
/// <see cref="Duration"/> after the DELETE on the sandbox clock if nobody polls, the group and its resources are gone
/// and the poll answers 200. ArmClient's ResourceGroupResource.DeleteAsync(WaitUntil.Completed) follows exactly that.
/// </summary>
internal sealed class ResourceGroupDeletions(SandboxContext context)
{
    /// <summary>How long a deletion takes when nobody polls it (ARM's take minutes; tests do not wait that long).</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    private const string RetryAfterSeconds = "1";

    private readonly ConcurrentDictionary<string, Deletion> _deletions = new(StringComparer.Ordinal);

    public async Task Delete(HttpContext http, AzureSubscription sub, SandboxTenant tenant, ResourceGroup group)
    {
        Deletion deletion;
        lock (tenant.Content.Sync)
        {
            // Deleting a group already being deleted is the same operation again.
            deletion = _deletions.Values.FirstOrDefault(d => d.Group == group && !d.Done) ?? Start(sub, group);
        }

        await Accepted(http, sub, deletion);
    }

    /// <summary>GET /subscriptions/{id}/operationresults/{operation}: 202 while the deletion runs, then 200.</summary>
    public async Task Poll(HttpContext http, AzureSubscription sub, SandboxTenant tenant)
    {
        var id = (string)http.Request.RouteValues["operationId"]!;
        if (!_deletions.TryGetValue(id, out var deletion) || deletion.Subscription != sub)
        {
            await ArmJson.Error(http, 404, "NotFound", $"The operation '{id}' could not be found in subscription '{sub.SubscriptionId}'.");
            return;
        }

        bool done;
        lock (tenant.Content.Sync)
        {
            deletion.Polls++;
            if (!deletion.Done && (deletion.Polls > 1 || context.Clock.GetUtcNow() >= deletion.DueAt))
            {
                Complete(deletion);
            }

            done = deletion.Done;
        }

        if (done)
        {
            http.Response.StatusCode = 200;
            return;
        }

        await Accepted(http, sub, deletion);
    }

    /// <summary>Completes the subscription's deletions that are due; every ARM request on the subscription calls it.</summary>
    public void Settle(AzureSubscription sub, SandboxTenant tenant)
    {
        if (_deletions.IsEmpty)
        {
            return;
        }

        var now = context.Clock.GetUtcNow();
        lock (tenant.Content.Sync)
        {
            foreach (var deletion in _deletions.Values.Where(d => d.Subscription == sub && !d.Done && now >= d.DueAt))
            {
                Complete(deletion);
            }
        }
    }

    /// <summary>ARM refuses changes to a group being deleted: 409 ResourceGroupBeingDeleted.</summary>
    public static Task BeingDeleted(HttpContext http, ResourceGroup group) =>
        ArmJson.Error(http, 409, "ResourceGroupBeingDeleted", $"The resource group '{group.Name}' is in deprovisioning state and cannot perform this operation.");

    private Deletion Start(AzureSubscription sub, ResourceGroup group)
    {
        // ARM's operation ids are base64url JSON naming the job and its location; the sandbox adds a unique part.
        var job = $"RESOURCEGROUPDELETIONJOB-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}-{group.Name.ToUpperInvariant()}-{group.Location.ToUpperInvariant()}";
        var id = Base64Url.Encode(Encoding.UTF8.GetBytes(new JsonObject { ["jobId"] = job, ["jobLocation"] = group.Location }.ToJsonString()));
        var deletion = new Deletion(id, sub, group, context.Clock.GetUtcNow() + Duration);
        group.ProvisioningState = "Deleting";
        _deletions[id] = deletion;
        return deletion;
    }

    /// <summary>Removes the group, and with it its resources and tags (callers hold the tenant's lock).</summary>
    private static void Complete(Deletion deletion)
    {
        deletion.Subscription.ResourceGroups.Remove(deletion.Group);
        deletion.Done = true;
    }

    private Task Accepted(HttpContext http, AzureSubscription sub, Deletion deletion)
    {
        var apiVersion = Uri.EscapeDataString(http.Query("api-version") ?? "2022-09-01");
        http.Response.StatusCode = 202;
        http.Response.Headers.Location = context.Url($"/subscriptions/{sub.SubscriptionId}/operationresults/{deletion.Id}?api-version={apiVersion}");
        http.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Task.CompletedTask;
    }

    private sealed class Deletion(string id, AzureSubscription subscription, ResourceGroup group, DateTimeOffset dueAt)
    {
        public string Id { get; } = id;

        public AzureSubscription Subscription { get; } = subscription;

        public ResourceGroup Group { get; } = group;

        public DateTimeOffset DueAt { get; } = dueAt;

        public int Polls { get; set; }

        public bool Done { get; set; }
    }
}

using System.Text.Json.Serialization;

namespace Runner.Notifications;

/// <summary>One tenant that failed or timed out, with its one-line reason.</summary>
internal sealed record FailedTenant(string Tenant, string Status, string Reason);

/// <summary>
/// What a notification says, channel-neutral: kept as JSON in the outbox and rendered per channel at sending.
/// It holds counts, names and one-line reasons — never a token or secret (errors are redacted before history keeps
/// them), and tenants' results only when the rule asks for them.
/// </summary>
/// <param name="EventKey">Identifies the event (for a run: its id and the event); one message per key and channel.</param>
internal sealed record NotificationMessage(
    string EventKey,
    string Event,
    string Title,
    string Job,
    string? RunId,
    string Status,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<FailedTenant> Failed,
    int MoreFailed,
    IReadOnlyList<string> Changes,
    string? Link,
    DateTimeOffset At)
{
    /// <summary>Tenants' results, when the rule has includeResults: true.</summary>
    public IReadOnlyDictionary<string, string>? Results { get; init; }

    /// <summary>How many failed tenants a message names; the rest are counted.</summary>
    [JsonIgnore]
    public const int FailedShown = 10;
}

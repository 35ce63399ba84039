using System.Text;
using System.Text.Json.Nodes;

namespace Runner.Notifications;

/// <summary>A message as each channel shows it: Runner's JSON, a Teams Adaptive Card, Slack text, an e-mail body.</summary>
internal static class NotificationFormats
{
    public static JsonObject Json(NotificationMessage m) => new()
    {
        ["event"] = m.Event,
        ["title"] = m.Title,
        ["job"] = m.Job,
        ["runId"] = m.RunId,
        ["status"] = m.Status,
        ["at"] = m.At.UtcDateTime.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        ["counts"] = new JsonObject(m.Counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
        ["failed"] = new JsonArray([.. m.Failed.Select(f => (JsonNode)new JsonObject { ["tenant"] = f.Tenant, ["status"] = f.Status, ["reason"] = f.Reason })]),
        ["moreFailed"] = m.MoreFailed,
        ["changes"] = new JsonArray([.. m.Changes.Select(c => (JsonNode)c)]),
        ["link"] = m.Link,
        ["results"] = m.Results is null ? null : new JsonObject(m.Results.Select(r => KeyValuePair.Create(r.Key, JsonNode.Parse(r.Value)))),
    };

    /// <summary>
    /// The body a Teams "workflow" webhook (Power Automate's "When a Teams webhook request is received") expects: a
    /// message with one Adaptive Card attachment ("Create incoming webhooks with Workflows for Microsoft Teams").
    /// </summary>
    public static JsonObject Teams(NotificationMessage m)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = m.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
            new JsonObject { ["type"] = "FactSet", ["facts"] = new JsonArray([.. Facts(m).Select(f => (JsonNode)new JsonObject { ["title"] = f.Key, ["value"] = f.Value })]) },
        };
        foreach (var line in Lines(m))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = line, ["wrap"] = true, ["spacing"] = "Small" });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (m.Link is { } link)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open the run", ["url"] = link });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card }),
        };
    }

    /// <summary>Slack's incoming-webhook body (and Mattermost's, Rocket.Chat's): one text field, mrkdwn.</summary>
    public static JsonObject Slack(NotificationMessage m) => new() { ["text"] = Text(m, bold: "*") };

    public static string Subject(NotificationMessage m) => $"[Runner] {m.Title}";

    public static string Text(NotificationMessage m, string bold = "")
    {
        var text = new StringBuilder().Append(bold).Append(m.Title).Append(bold).Append('\n');
        foreach (var (key, value) in Facts(m))
        {
            text.Append(key).Append(": ").Append(value).Append('\n');
        }

        foreach (var line in Lines(m))
        {
            text.Append(line).Append('\n');
        }

        if (m.Link is { } link)
        {
            text.Append(link).Append('\n');
        }

        return text.ToString();
    }

    private static IEnumerable<KeyValuePair<string, string>> Facts(NotificationMessage m)
    {
        yield return KeyValuePair.Create("Job", m.Job);
        if (m.RunId is { } run)
        {
            yield return KeyValuePair.Create("Run", run);
        }

        yield return KeyValuePair.Create("Status", m.Status);
        if (m.Counts.Count > 0)
        {
            yield return KeyValuePair.Create("Tenants", string.Join(", ", m.Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key.ToLowerInvariant()}")));
        }
    }

    private static IEnumerable<string> Lines(NotificationMessage m)
    {
        foreach (var failed in m.Failed)
        {
            yield return $"- {failed.Tenant} ({failed.Status}): {failed.Reason}";
        }

        if (m.MoreFailed > 0)
        {
            yield return $"- and {m.MoreFailed} more";
        }

        foreach (var change in m.Changes)
        {
            yield return $"- {change}";
        }
    }
}

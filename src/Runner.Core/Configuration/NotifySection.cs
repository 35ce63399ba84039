namespace Runner.Configuration;

/// <summary>Reads `notify:` (channels and global rules) and a job's own `notify:` rules.</summary>
internal static class NotifySection
{
    public static NotifySettings Read(ConfigNode? node, string baseDirectory = "")
    {
        if (node is null)
        {
            return NotifySettings.None;
        }

        var map = node.Map("channels", "rules");
        var channels = new Dictionary<string, NotifyChannel>(StringComparer.Ordinal);
        foreach (var (name, channelNode) in map["channels"]?.Map().Entries ?? [])
        {
            channels[name] = Channel(name, channelNode, baseDirectory);
        }

        var rules = Rules(map["rules"], channels.Keys.ToHashSet(StringComparer.Ordinal));
        return new NotifySettings(channels, rules);
    }

    /// <summary>Rules in a sequence; each names channels that must exist.</summary>
    public static IReadOnlyList<NotifyRule> Rules(ConfigNode? node, IReadOnlySet<string> channels)
    {
        var rules = new List<NotifyRule>();
        foreach (var ruleNode in node?.Sequence() ?? [])
        {
            var rule = ruleNode.Map("on", "channels", "includeResults");
            var on = rule.Required("on").Sequence().Select(e => e.Enum(
                ("failure", NotifyEvent.Failure), ("timeout", NotifyEvent.Timeout), ("success", NotifyEvent.Success),
                ("change", NotifyEvent.Change), ("credential", NotifyEvent.Credential), ("expiry", NotifyEvent.Expiry), ("gdap", NotifyEvent.Gdap),
                ("misfire", NotifyEvent.Misfire), ("node", NotifyEvent.Node))).ToList();
            var targets = rule.Required("channels").Sequence();
            foreach (var target in targets)
            {
                if (!channels.Contains(target.String()))
                {
                    throw target.Error($"no channel named '{target.String()}' under notify.channels" +
                        (Suggest.Nearest(target.String(), channels) is { } near ? $"; did you mean '{near}'?" : channels.Count > 0 ? $" (channels: {string.Join(", ", channels)})" : ""));
                }
            }

            rules.Add(new NotifyRule(on, [.. targets.Select(t => t.String())], rule["includeResults"]?.Bool() ?? false));
        }

        return rules;
    }

    private static NotifyChannel Channel(string name, ConfigNode node, string baseDirectory)
    {
        var type = node.Map("type", "url", "format", "host", "port", "security", "from", "to", "username", "password", "maxPerMinute", "caFile");
        var max = type["maxPerMinute"]?.Int(1, 1000) ?? 10;
        return type.Required("type").Enum(("webhook", "webhook"), ("email", "email")) switch
        {
            "webhook" => new WebhookChannel(name, Url(type.Required("url")), type["format"]?.Enum(("json", "json"), ("teams", "teams"), ("slack", "slack")) ?? "json") { MaxPerMinute = max },
            _ => new EmailChannel(
                name,
                type.Required("host").String(),
                type["port"]?.Int(1, 65535) ?? 587,
                type["security"]?.Enum(("starttls", "starttls"), ("ssl", "ssl"), ("none", "none")) ?? "starttls",
                type.Required("from").String(),
                type.Required("to").Strings(),
                type["username"]?.String(),
                Reference(type["password"]))
            { MaxPerMinute = max, CaFile = CaFile(type["caFile"], baseDirectory) },
        };
    }

    private static string? CaFile(ConfigNode? node, string baseDirectory)
    {
        if (node is null)
        {
            return null;
        }

        var path = node.FilePath(baseDirectory);
        return File.Exists(path) ? path : throw node.Error($"the CA certificate '{node.String()}' does not exist (looked for {path})");
    }

    private static string Url(ConfigNode node)
    {
        var text = node.String();
        if (SecretReferenceSyntax.IsReference(text))
        {
            return text;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? text
            : throw node.Error("expected an https:// URL or a secret reference (secret:NAME, env:NAME): Teams and Slack URLs carry their own secret, so a reference is better");
    }

    private static string? Reference(ConfigNode? node)
    {
        if (node is null)
        {
            return null;
        }

        return SecretReferenceSyntax.IsReference(node.String())
            ? node.String()
            : throw node.Error("passwords are never written into runner.yaml: use secret:NAME or env:NAME");
    }
}

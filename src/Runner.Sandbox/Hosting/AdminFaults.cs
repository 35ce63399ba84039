using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// The JSON of /_sandbox/faults. A POST changes only what it names; "clear": true first removes every fault.
/// { "latencyMs": {"graph": 20}, "throttleRate": {"partnerCenter": 0.5}, "retryAfterSeconds": {"partnerCenter": 2},
///   "errorRate": {"arm": 0.1}, "failingTenants": ["contoso.onmicrosoft.com"], "slowTenantsMs": {"fabrikam.onmicrosoft.com": 5000},
///   "tokenOutage": false, "clear": true }. API names: token, partnerCenter, arm, graph, keyVault, or * for all.
/// </summary>
internal static class AdminFaults
{
    /// <summary>Applies a body to <paramref name="faults"/>; a bad body changes nothing and throws <see cref="FormatException"/>.</summary>
    public static void Apply(JsonObject body, SandboxFaults faults)
    {
        var known = new[] { "clear", "latencyMs", "throttleRate", "retryAfterSeconds", "errorRate", "failingTenants", "slowTenantsMs", "tokenOutage" };
        foreach (var (key, _) in body)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                throw new FormatException($"unknown key '{key}'; expected one of {string.Join(", ", known)}");
            }
        }

        // Validate everything before changing anything, so a typo never leaves half a fault set behind.
        var latency = PerApi(body, "latencyMs", 0, 300_000);
        var throttle = PerApi(body, "throttleRate", 0, 1);
        var retryAfter = PerApi(body, "retryAfterSeconds", 0, 3600);
        var errors = PerApi(body, "errorRate", 0, 1);
        var failing = body["failingTenants"] is { } f ? Strings(f, "failingTenants") : null;
        var slow = body["slowTenantsMs"] is { } s ? Numbers(s, "slowTenantsMs", 0, 300_000) : null;
        var outage = body["tokenOutage"] is { } o ? Bool(o, "tokenOutage") : (bool?)null;
        var clear = body["clear"] is { } c && Bool(c, "clear");

        if (clear)
        {
            faults.Clear();
        }

        latency.ForEach(x => faults.For(x.Api).Latency = TimeSpan.FromMilliseconds(x.Value));
        throttle.ForEach(x => faults.For(x.Api).ThrottleRate = x.Value);
        retryAfter.ForEach(x => faults.For(x.Api).RetryAfterSeconds = (int)Math.Ceiling(x.Value));
        errors.ForEach(x => faults.For(x.Api).ErrorRate = x.Value);
        if (failing is not null)
        {
            faults.FailingTenants.Clear();
            failing.ForEach(t => faults.FailingTenants[t] = true);
        }

        if (slow is not null)
        {
            faults.SlowTenants.Clear();
            foreach (var (tenant, ms) in slow)
            {
                faults.SlowTenants[tenant] = TimeSpan.FromMilliseconds(ms);
            }
        }

        if (outage is { } value)
        {
            faults.TokenOutage = value;
        }
    }

    public static JsonObject ToJson(SandboxFaults faults)
    {
        var apis = new JsonObject();
        foreach (var name in SandboxFaults.ApiNames)
        {
            if (faults.TryGet(name, out var f))
            {
                apis[name] = new JsonObject
                {
                    ["latencyMs"] = f.Latency.TotalMilliseconds,
                    ["throttleRate"] = f.ThrottleRate,
                    ["retryAfterSeconds"] = f.RetryAfterSeconds,
                    ["errorRate"] = f.ErrorRate,
                };
            }
        }

        return new JsonObject
        {
            ["apis"] = apis,
            ["failingTenants"] = new JsonArray(faults.FailingTenants.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)k).ToArray()),
            ["slowTenantsMs"] = new JsonObject(faults.SlowTenants.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.TotalMilliseconds))),
            ["tokenOutage"] = faults.TokenOutage,
        };
    }

    private static List<(string Api, double Value)> PerApi(JsonObject body, string key, double min, double max)
    {
        var list = new List<(string, double)>();
        if (body[key] is not { } node)
        {
            return list;
        }

        foreach (var (api, value) in Numbers(node, key, min, max))
        {
            if (api != "*" && !SandboxFaults.ApiNames.Contains(api, StringComparer.Ordinal))
            {
                throw new FormatException($"{key}: unknown API '{api}'; expected one of {string.Join(", ", SandboxFaults.ApiNames)} or *");
            }

            list.AddRange((api == "*" ? SandboxFaults.ApiNames : [api]).Select(a => (a, value)));
        }

        return list;
    }

    private static List<(string Key, double Value)> Numbers(JsonNode node, string key, double min, double max)
    {
        if (node is not JsonObject map)
        {
            throw new FormatException($"{key} must be an object of names to numbers");
        }

        return map.Select(p => p.Value is JsonValue v && v.TryGetValue<double>(out var d) && d >= min && d <= max
            ? (p.Key, d)
            : throw new FormatException($"{key}.{p.Key} must be a number from {min} to {max}")).ToList();
    }

    private static List<string> Strings(JsonNode node, string key) =>
        node is JsonArray array && array.All(a => a is JsonValue v && v.TryGetValue<string>(out _))
            ? array.Select(a => a!.GetValue<string>()).ToList()
            : throw new FormatException($"{key} must be a list of tenant ids or domains");

    private static bool Bool(JsonNode node, string key) =>
        node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new FormatException($"{key} must be true or false");

    /// <summary>Reads a request body as a JSON object (empty when there is none).</summary>
    public static async Task<JsonObject> ReadBody(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new FormatException("the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"the body is not JSON: {e.Message}");
        }
    }
}

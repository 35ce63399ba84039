namespace Runner.Configuration;

/// <summary>runner.yaml `notify:`: where notifications go and which events send them.</summary>
internal sealed record NotifySettings(IReadOnlyDictionary<string, NotifyChannel> Channels, IReadOnlyList<NotifyRule> Rules)
{
    public static NotifySettings None { get; } = new(new Dictionary<string, NotifyChannel>(), []);
}

/// <summary>What a rule listens for.</summary>
internal enum NotifyEvent
{
    /// <summary>A run ended Failed or Error (some tenants failed, or nothing could run).</summary>
    Failure,

    /// <summary>A run had tenants that timed out, or the whole fire hit its hard limit.</summary>
    Timeout,

    /// <summary>A run succeeded.</summary>
    Success,

    /// <summary>Tenants newly failing, or recovered, since the job's previous run.</summary>
    Change,

    /// <summary>The partner credential needs an operator (a run ended with exit code 3).</summary>
    Credential,

    /// <summary>The credential expires within 14 days (then daily until it is refreshed).</summary>
    Expiry,

    /// <summary>A GDAP relationship ends within 30, 7 or 1 days (once at each).</summary>
    Gdap,

    /// <summary>A job missed its fire and its misfire policy skipped it.</summary>
    Misfire,

    /// <summary>A cluster node disappeared (its running fires were recovered elsewhere).</summary>
    Node,
}

/// <summary>A rule: these events send to these channels; <paramref name="IncludeResults"/> adds tenants' results.</summary>
internal sealed record NotifyRule(IReadOnlyList<NotifyEvent> On, IReadOnlyList<string> Channels, bool IncludeResults);

/// <summary>A channel: a webhook or an e-mail route.</summary>
internal abstract record NotifyChannel(string Name)
{
    /// <summary>At most this many messages a minute go to this channel; the rest wait their turn.</summary>
    public int MaxPerMinute { get; init; } = 10;
}

/// <param name="Url">The URL or a secret reference to it (a Teams or Slack URL carries its own secret).</param>
/// <param name="Format">json (Runner's own), teams (an Adaptive Card for a Teams workflow), slack (text).</param>
internal sealed record WebhookChannel(string Name, string Url, string Format) : NotifyChannel(Name);

/// <param name="Security">starttls (default), ssl, or none (a relay on this machine).</param>
/// <param name="Password">A secret reference, never the password.</param>
internal sealed record EmailChannel(string Name, string Host, int Port, string Security, string From, IReadOnlyList<string> To, string? Username, string? Password)
    : NotifyChannel(Name)
{
    /// <summary>A CA certificate (PEM or DER file) to trust besides the system's, for a relay with a company CA.</summary>
    public string? CaFile { get; init; }
}

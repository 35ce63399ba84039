namespace Runner.Clients.Http;

/// <summary>
/// What the retry handlers of one tenant's calls gave up on: set per tenant by the executor, written by the Graph, ARM
/// and Partner Center retry layers, so a tenant that failed after exhausting its retries says so in one line (which
/// API, how many tries, the last status) instead of only the SDK's last error.
/// </summary>
internal sealed class RetryLedger
{
    private static readonly AsyncLocal<RetryLedger?> CurrentLedger = new();

    private readonly Dictionary<string, int> _tries = new(StringComparer.Ordinal);
    private string? _lastExhausted;
    private FailedCall? _lastFailed;

    public static RetryLedger? Current => CurrentLedger.Value;

    /// <summary>Starts a ledger for the calls made from here on in this async flow (one tenant's script).</summary>
    public static RetryLedger Begin() => CurrentLedger.Value = new RetryLedger();

    /// <summary>The last give-up, e.g. "Graph gave up after 4 tries (last answer 429 Too Many Requests)".</summary>
    public string? LastExhausted => Volatile.Read(ref _lastExhausted);

    public static void Exhausted(string api, int tries, int status, string? reason) =>
        Current?.Record($"{api} gave up after {tries} tries (last answer {status}{(string.IsNullOrEmpty(reason) ? "" : " " + reason)})");

    /// <summary>The last call of this tenant that was answered with an error (or not at all).</summary>
    public FailedCall? LastFailed => Volatile.Read(ref _lastFailed);

    /// <summary>Counts a send of <paramref name="call"/> (method and URL); the result is which try this is.</summary>
    public int Attempt(string call)
    {
        lock (_tries)
        {
            return _tries[call] = _tries.GetValueOrDefault(call) + 1;
        }
    }

    public void Failed(FailedCall call) => Volatile.Write(ref _lastFailed, call);

    private void Record(string text) => Volatile.Write(ref _lastExhausted, text);
}

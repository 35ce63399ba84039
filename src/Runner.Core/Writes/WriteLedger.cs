using Runner.Redaction;

namespace Runner.Writes;

/// <summary>
/// One tenant's writes: set per tenant by the executor (like the retry ledger), so the write gate in every client's
/// pipeline knows the run's <see cref="WriteMode"/> and whose writes it is keeping. Thread-safe: a script may write
/// from parallel tasks.
/// </summary>
internal sealed class WriteLedger
{
    private static readonly AsyncLocal<WriteLedger?> CurrentLedger = new();

    private readonly List<WriteRecord> _writes = [];
    private readonly Dictionary<string, int> _byRetryKey = new(StringComparer.Ordinal);
    // Never disposed: a script left running after its tenant ended may still try a write (no timer to free).
    private readonly CancellationTokenSource _refused = new();
    private string? _refusal;

    private WriteLedger(WriteMode mode, string readOnlyReason, SecretRedactor redactor, TimeProvider time)
    {
        Mode = mode;
        ReadOnlyReason = readOnlyReason;
        Redactor = redactor;
        Time = time;
    }

    public static WriteLedger? Current => CurrentLedger.Value;

    /// <summary>Starts a ledger for the calls made from here on in this async flow (one tenant's script).</summary>
    /// <param name="readOnlyReason">Why a read-only run is read-only, for the refusal message ("--read-only").</param>
    public static WriteLedger Begin(WriteMode mode, string readOnlyReason, SecretRedactor redactor, TimeProvider time) =>
        CurrentLedger.Value = new WriteLedger(mode, readOnlyReason, redactor, time);

    public WriteMode Mode { get; }

    public string ReadOnlyReason { get; }

    public SecretRedactor Redactor { get; }

    public TimeProvider Time { get; }

    /// <summary>Cancelled when a read-only run refused a write: the tenant stops at once, even if the script caught the error.</summary>
    public CancellationToken Refused => _refused.Token;

    /// <summary>The first refused write's message, or null.</summary>
    public string? Refusal => Volatile.Read(ref _refusal);

    /// <summary>The writes so far, in the order they were made.</summary>
    public IReadOnlyList<WriteRecord> Writes
    {
        get
        {
            lock (_writes)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>
    /// Keeps a write and returns its sequence number. A write sent again under the same <paramref name="retryKey"/>
    /// (Azure SDK retries keep their client request id) is the same write: its record is reused, not repeated.
    /// </summary>
    public int Add(Func<int, WriteRecord> create, string? retryKey)
    {
        lock (_writes)
        {
            if (retryKey is not null && _byRetryKey.TryGetValue(retryKey, out var existing))
            {
                return existing;
            }

            var sequence = _writes.Count;
            _writes.Add(create(sequence));
            if (retryKey is not null)
            {
                _byRetryKey[retryKey] = sequence;
            }

            return sequence;
        }
    }

    /// <summary>Fills in the answer of write <paramref name="sequence"/> (the last try's, when it was retried).</summary>
    public void Answered(int sequence, int? status, string? requestId, TimeSpan duration)
    {
        lock (_writes)
        {
            var write = _writes[sequence];
            _writes[sequence] = write with { Status = status, RequestId = requestId ?? write.RequestId, Duration = write.Duration + duration };
        }
    }

    /// <summary>Refuses a write of a read-only run: remembers the first refusal and stops the tenant.</summary>
    public WriteRefusedException Refuse(string call)
    {
        var fix = ReadOnlyReason switch
        {
            "--read-only" => "run it without --read-only to let it write",
            var r when r.StartsWith("jobs.", StringComparison.Ordinal) => "give the job writes: true in runner.yaml to let it write",
            _ => "remove the // runner: read-only line from the script to let it write",
        };
        var message = $"Read-only run ({ReadOnlyReason}): {call} was refused before it was sent, so it changed nothing; {fix}.";
        Interlocked.CompareExchange(ref _refusal, message, null);
        _refused.Cancel();
        return new WriteRefusedException(message);
    }
}

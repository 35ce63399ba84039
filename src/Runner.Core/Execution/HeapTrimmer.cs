namespace Runner.Execution;

/// <summary>
/// Keeps a large fan-out's memory near what it uses. Left alone, the GC of a machine with free memory lets the youngest
/// generation's budget grow to about 70 MB and the heap's committed memory to twice what is alive: a 10,000-tenant
/// run peaked at 420 MB of RSS with about 140 MB of heap. Every <see cref="CheckEvery"/> finished tenants this looks at
/// what was allocated since the last collection and, past <see cref="YoungBytes"/>, collects the youngest generation
/// (a few milliseconds: almost everything a tenant allocated is already dead); when the old generations (gen2, the
/// large and pinned object heaps) have grown by <see cref="OldGrowthBytes"/> since the last full collection, it makes
/// a full one. Measured at 10,000 tenants: 420 → 324 MB peak, the same wall time; small runs never get this far.
/// </summary>
internal sealed class HeapTrimmer
{
    /// <summary>Allocations between two collections of the youngest generation.</summary>
    public const long YoungBytes = 32L * 1024 * 1024;

    /// <summary>Growth of the old generations since the last full collection that triggers the next one.</summary>
    public const long OldGrowthBytes = 64L * 1024 * 1024;

    /// <summary>Tenants between two looks at the heap.</summary>
    public const int CheckEvery = 8;

    private readonly Func<long> _oldGenerations;
    private readonly Func<long> _allocatedBytes;
    private readonly Action<int> _collect;
    private long _allocated;
    private long _baseline;
    private int _finished;
    private int _collecting;

    public HeapTrimmer()
        : this(OldGenerations, () => GC.GetTotalAllocatedBytes(precise: false), generation => GC.Collect(generation, GCCollectionMode.Forced, blocking: true))
    {
    }

    /// <summary>With the GC's figures and collections given (tests).</summary>
    internal HeapTrimmer(Func<long> oldGenerations, Func<long> allocatedBytes, Action<int> collect)
    {
        _oldGenerations = oldGenerations;
        _allocatedBytes = allocatedBytes;
        _collect = collect;
        _allocated = allocatedBytes();
        _baseline = oldGenerations();
    }

    /// <summary>Full collections made.</summary>
    public int Collections { get; private set; }

    /// <summary>Collections of the youngest generation made.</summary>
    public int YoungCollections { get; private set; }

    public void TenantFinished()
    {
        if (Interlocked.Increment(ref _finished) % CheckEvery != 0 || Interlocked.Exchange(ref _collecting, 1) == 1)
        {
            return;
        }

        try
        {
            if (_oldGenerations() - _baseline >= OldGrowthBytes)
            {
                _collect(2);
                _baseline = _oldGenerations();
                _allocated = _allocatedBytes();
                Collections++;
            }
            else if (_allocatedBytes() - _allocated >= YoungBytes)
            {
                _collect(0);
                _allocated = _allocatedBytes();
                YoungCollections++;
            }
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
    }

    /// <summary>Gen2, LOH and POH as the last collection left them: where what outlives a tenant piles up.</summary>
    private static long OldGenerations()
    {
        var generations = GC.GetGCMemoryInfo().GenerationInfo;
        long bytes = 0;
        for (var i = 2; i < generations.Length; i++)
        {
            bytes += generations[i].SizeAfterBytes;
        }

        return bytes;
    }
}

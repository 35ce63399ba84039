namespace Runner.Resident;

/// <summary>
/// Gives the memory of a large served run back when the run server falls idle. A run in its own process leaves its
/// memory with the process; a run server keeps the heap a 10,000-tenant run grew to (measured: 300 MB resident after
/// such a run, 55 MB of it alive), and the next large run grows on top of it (a high-water mark of 414 MB against a
/// run's own 290). When the last run in progress ends and at least <see cref="LargeRunBytes"/> were allocated since
/// the last release, this makes one aggressive collection: compacting, and returning free regions to the system.
/// Small runs (a one-tenant run allocates a few MB) never pay for it, and a run never waits for it mid-way.
/// </summary>
internal sealed class IdleHeapRelease
{
    /// <summary>Allocations since the last release from which an idle server releases: default 256 MB, about a
    /// 1,000-tenant fan-out.</summary>
    public const long LargeRunBytes = 256L * 1024 * 1024;

    private readonly Func<long> _allocatedBytes;
    private readonly Action _release;
    private readonly object _gate = new();
    private long _allocated;
    private int _running;

    public IdleHeapRelease()
        : this(() => GC.GetTotalAllocatedBytes(precise: false), () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    /// <summary>With the GC's figure and collection given (tests).</summary>
    internal IdleHeapRelease(Func<long> allocatedBytes, Action release)
    {
        _allocatedBytes = allocatedBytes;
        _release = release;
        _allocated = allocatedBytes();
    }

    /// <summary>Releases made.</summary>
    public int Releases { get; private set; }

    public void RunStarted()
    {
        lock (_gate)
        {
            _running++;
        }
    }

    /// <summary>Called when a run has ended and its client has its exit code; releases (and says so) when it was the
    /// last one and enough was allocated. A run that starts meanwhile waits for the collection like any allocation
    /// would.</summary>
    public bool RunEnded()
    {
        lock (_gate)
        {
            if (--_running > 0 || _allocatedBytes() - _allocated < LargeRunBytes)
            {
                return false;
            }

            _release();
            _allocated = _allocatedBytes();
            Releases++;
            return true;
        }
    }
}

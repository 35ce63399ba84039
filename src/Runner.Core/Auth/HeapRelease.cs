namespace Runner.Auth;

/// <summary>
/// Gives large garbage back to the system before more large work. Saving a 10,000-tenant token cache makes and drops
/// tens of megabytes at a time on the large object heap (MSAL's serialised cache as a string and as bytes, the
/// clients' snapshots once combined, a sealed copy once written), which only a full collection frees; a forced one
/// frees it but keeps it committed, and the next large buffer is placed beside it. An aggressive collection compacts
/// the heap and decommits what is free. Measured on a 10,000-tenant first run: peak RSS 712 → 540 MB, for about
/// 0.5 s more in a 34 s run (docs/performance.md). Smaller caches never get here. Each collection blocks every thread
/// of the process for about 130 ms at that size, other runs in a shared worker or the run server included.
/// </summary>
internal static class HeapRelease
{
    /// <summary>Large work (bytes serialised or written) between two releases: about 2,000 tenants' tokens. At 32 MB
    /// the same run peaked at 612 MB, at 24 MB at 553 MB.</summary>
    public const long Every = 16L << 20;

    public static void Now() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}

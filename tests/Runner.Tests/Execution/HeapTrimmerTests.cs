using Runner.Execution;

namespace Runner.Tests.Execution;

public sealed class HeapTrimmerTests
{
    private const long MB = 1024 * 1024;

    private long _old = 100 * MB;
    private long _allocated = 1_000 * MB;
    private readonly List<int> _collections = [];

    [Fact]
    public void TenantFinished_LooksOnlyEveryCheckEveryTenants()
    {
        var trimmer = Trimmer();
        _allocated += HeapTrimmer.YoungBytes * 4;
        _old += HeapTrimmer.OldGrowthBytes * 4;

        Finish(trimmer, HeapTrimmer.CheckEvery - 1);

        Assert.Empty(_collections);
    }

    [Fact]
    public void TenantFinished_AfterTheOldGenerationsGrew_CollectsFully_ThenMeasuresFromThere()
    {
        var trimmer = Trimmer();
        _old += HeapTrimmer.OldGrowthBytes;
        _allocated += HeapTrimmer.YoungBytes;

        Finish(trimmer, HeapTrimmer.CheckEvery);
        _old += HeapTrimmer.OldGrowthBytes - MB;
        Finish(trimmer, HeapTrimmer.CheckEvery);

        Assert.Equal([2], _collections);
        Assert.Equal(1, trimmer.Collections);
    }

    [Fact]
    public void TenantFinished_AfterTheYoungBudgetWasAllocated_CollectsTheYoungestGeneration()
    {
        var trimmer = Trimmer();
        _allocated += HeapTrimmer.YoungBytes - MB;
        Finish(trimmer, HeapTrimmer.CheckEvery);
        Assert.Empty(_collections);

        _allocated += MB;
        Finish(trimmer, HeapTrimmer.CheckEvery);

        Assert.Equal([0], _collections);
        Assert.Equal(1, trimmer.YoungCollections);
    }

    [Fact]
    public void The_real_GC_collects_when_the_trimmer_says_so()
    {
        var trimmer = new HeapTrimmer();
        var before = GC.CollectionCount(0);
        for (long allocated = 0; allocated < HeapTrimmer.YoungBytes + 4 * MB; allocated += 16 << 10)
        {
            GC.KeepAlive(new byte[16 << 10]);
        }

        Finish(trimmer, HeapTrimmer.CheckEvery);

        Assert.Equal(1, trimmer.YoungCollections + trimmer.Collections);
        Assert.True(GC.CollectionCount(0) > before);
    }

    private HeapTrimmer Trimmer() => new(() => _old, () => _allocated, _collections.Add);

    private static void Finish(HeapTrimmer trimmer, int tenants)
    {
        for (var i = 0; i < tenants; i++)
        {
            trimmer.TenantFinished();
        }
    }
}

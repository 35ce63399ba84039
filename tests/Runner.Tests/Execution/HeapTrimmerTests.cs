using Runner.Execution;

namespace Runner.Tests.Execution;

public sealed class HeapTrimmerTests
{
    [Fact]
    public void TenantFinished_AfterTheOldGenerationsGrew_CollectsFullyAtTheNextCheck()
    {
        var trimmer = new HeapTrimmer();
        var held = new List<byte[]>();
        for (long grown = 0; grown < HeapTrimmer.OldGrowthBytes + (8 << 20); grown += 1 << 20)
        {
            held.Add(new byte[1 << 20]);
        }

        // The trimmer reads what the last collection saw.
        GC.Collect(0);
        for (var i = 0; i < HeapTrimmer.CheckEvery - 1; i++)
        {
            trimmer.TenantFinished();
        }

        Assert.Equal(0, trimmer.Collections + trimmer.YoungCollections);
        var before = GC.CollectionCount(2);

        trimmer.TenantFinished();

        Assert.Equal(1, trimmer.Collections);
        Assert.True(GC.CollectionCount(2) > before);
        GC.KeepAlive(held);
    }

    [Fact]
    public void TenantFinished_AfterAllocatingTheYoungBudget_CollectsTheYoungestGeneration()
    {
        var trimmer = new HeapTrimmer();
        for (long allocated = 0; allocated < HeapTrimmer.YoungBytes + (4 << 20); allocated += 16 << 10)
        {
            GC.KeepAlive(new byte[16 << 10]);
        }

        for (var i = 0; i < HeapTrimmer.CheckEvery; i++)
        {
            trimmer.TenantFinished();
        }

        Assert.Equal(1, trimmer.YoungCollections + trimmer.Collections);
    }
}

using Runner.Resident;

namespace Runner.Tests.Resident;

public sealed class IdleHeapReleaseTests
{
    private long _allocated;
    private int _released;

    private IdleHeapRelease Create() => new(() => _allocated, () => _released++);

    [Fact]
    public void RunEnded_LastRunAfterALargeOne_ReleasesOnce()
    {
        var heap = Create();
        heap.RunStarted();
        _allocated += IdleHeapRelease.LargeRunBytes;

        heap.RunEnded();

        Assert.Equal(1, _released);
        Assert.Equal(1, heap.Releases);

        // What was allocated before the release does not count again.
        heap.RunStarted();
        _allocated += 1024 * 1024;
        heap.RunEnded();
        Assert.Equal(1, _released);
    }

    [Fact]
    public void RunEnded_SmallRuns_NeverRelease()
    {
        var heap = Create();
        for (var i = 0; i < 100; i++)
        {
            heap.RunStarted();
            _allocated += 2 * 1024 * 1024;
            heap.RunEnded();
        }

        Assert.Equal(0, _released);

        // Small runs add up: the run that takes the total past the threshold releases.
        for (var i = 0; i < 28; i++)
        {
            heap.RunStarted();
            _allocated += 2 * 1024 * 1024;
            heap.RunEnded();
        }

        Assert.Equal(1, _released);
    }

    [Fact]
    public void RunEnded_AnotherRunStillInProgress_WaitsForItToEnd()
    {
        var heap = Create();
        heap.RunStarted();
        heap.RunStarted();
        _allocated += 2 * IdleHeapRelease.LargeRunBytes;

        heap.RunEnded();
        Assert.Equal(0, _released);

        heap.RunEnded();
        Assert.Equal(1, _released);
    }
}

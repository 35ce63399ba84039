namespace Runner.Tests.Infrastructure;

/// <summary>Waits for something a background process does (a host firing, a worker finishing), with a deadline
/// that fails the test with a description instead of hanging it.</summary>
public static class Eventually
{
    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class => GetAsync(probe, timeout, () => what);

    /// <summary>With the description made at the deadline (a process's log as it is then).</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what()}.");
            }

            await Task.Delay(200);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        GetAsync(async () => await probe() ? "yes" : null, timeout, what);
}

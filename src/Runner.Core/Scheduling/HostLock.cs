using Runner.State;

namespace Runner.Scheduling;

/// <summary>
/// One host per state folder: two hosts on one SQLite store would each fire every job. Held for the host's life as an
/// open, unshared lock file (released by the kernel if the process dies); other commands test it to tell whether a
/// host is running here.
/// </summary>
internal sealed class HostLock : IDisposable
{
    private readonly FileStream _stream;

    private HostLock(FileStream stream) => _stream = stream;

    public static string PathFor(StateDirectory state) => Path.Combine(state.Root, "host.lock");

    public static HostLock Acquire(StateDirectory state)
    {
        var path = PathFor(state);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            stream.Write(pid);
            stream.Flush();
            return new HostLock(stream);
        }
        catch (IOException e)
        {
            throw new StateException($"Another `runner host` is already running with the state folder {state.Root}. Stop it first, or give this host its own state folder (with scheduler.store: postgres, hosts form a cluster).", e);
        }
    }

    /// <summary>Whether a host holds the lock of this state folder right now.</summary>
    public static bool IsHeld(StateDirectory state)
    {
        var path = PathFor(state);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _stream.Dispose();
}

namespace Runner.State;

/// <summary>
/// An exclusive lock between processes (and within one), held by keeping a lock file open without sharing.
/// On Linux this is an advisory flock, released by the kernel if the process dies, so a crash never leaves it stuck.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 100);
            }
            catch (IOException e)
            {
                throw new IOException($"Another runner process has held {path} for over {timeout.TotalSeconds:0} s; try again when it has finished.", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}

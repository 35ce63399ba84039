namespace Runner.State;

/// <summary>Writes files so a reader (or a crash) never sees half of one: write a temp file beside it, flush, rename.</summary>
internal static class AtomicFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, ReadOnlySpan<byte> content, bool ownerOnly = false)
    {
        var temp = WriteTemp(path, content, ownerOnly);
        Replace(temp, path);
    }

    /// <summary>Like <see cref="Write(string, ReadOnlySpan{byte}, bool)"/>, for content written as it is made.</summary>
    public static void Write(string path, Action<Stream> write, bool ownerOnly = false)
    {
        var (temp, stream) = CreateTemp(path, ownerOnly);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        Replace(temp, path);
    }

    private static void Replace(string temp, string path)
    {
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Creates the file with <paramref name="content"/> unless it exists, atomically: of processes racing to create it,
    /// exactly one wins and the others keep what it wrote. False when the file already existed.
    /// </summary>
    public static bool CreateOnce(string path, ReadOnlySpan<byte> content, bool ownerOnly = false)
    {
        var temp = WriteTemp(path, content, ownerOnly);
        try
        {
            // Without overwrite, the move is a link-then-unlink on Unix: it fails if another process created the file first.
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            TryDelete(temp);
            return false;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The content in a flushed temp file beside <paramref name="path"/>, ready to be renamed into place.</summary>
    private static string WriteTemp(string path, ReadOnlySpan<byte> content, bool ownerOnly)
    {
        var (temp, stream) = CreateTemp(path, ownerOnly);
        try
        {
            using (stream)
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A new temp file beside <paramref name="path"/>, open for writing.</summary>
    private static (string Temp, FileStream Stream) CreateTemp(string path, bool ownerOnly)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return (temp, new FileStream(temp, options));
    }

    public static void WriteText(string path, string content, bool ownerOnly = false) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), ownerOnly);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

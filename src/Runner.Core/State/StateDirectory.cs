namespace Runner.State;

/// <summary>The state folder and the files in it. Created owner-only, as it holds the encrypted token cache.</summary>
internal sealed class StateDirectory(string root)
{
    public string Root { get; } = root;

    public string SecretsFile => Path.Combine(Root, "secrets.bin");

    public string SecretsLock => Path.Combine(Root, "secrets.lock");

    public string StoreKeyFile => Path.Combine(Root, "store.key");

    public string TokenCacheFile => Path.Combine(Root, "tokens.bin");

    public string TokenCacheLock => Path.Combine(Root, "tokens.lock");

    public string TenantCacheFile => Path.Combine(Root, "tenants.json");

    public string CompileCache => Path.Combine(Root, "scripts");

    public string HistoryDatabase => Path.Combine(Root, "history.db");

    public string SchedulerDatabase => Path.Combine(Root, "scheduler.db");

    public string SandboxData => Path.Combine(Root, "sandbox");

    /// <summary>Held while the built-in sandbox's keys, CA and credential are created or read, so processes started
    /// together in a fresh folder all use the first one's.</summary>
    public string SandboxLock => Path.Combine(Root, "sandbox.lock");

    public string Logs => Path.Combine(Root, "logs");

    /// <summary>How old a temporary file of an atomic write must be to count as left by a killed process.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <summary>Creates the folder (mode 0700) and checks it can be written, with an error that says what to fix.</summary>
    public void Ensure()
    {
        try
        {
            if (!Directory.Exists(Root))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(Root);
                }
                else
                {
                    Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            else
            {
                Tighten();
            }

            var probe = Path.Combine(Root, $".probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            SweepAbandoned();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException($"The state folder {Root} cannot be written ({IoReason.Of(e)}). Make it writable by this user, free some disk space, or point 'state:' in runner.yaml elsewhere.", e);
        }
    }

    /// <summary>Creates an SQLite database file for this user only before SQLite opens it: SQLite gives its -wal and
    /// -shm files the database's mode, so the history stays owner-only whatever the process's umask.</summary>
    public static void CreateOwnerOnly(string databasePath)
    {
        if (!File.Exists(databasePath))
        {
            AtomicFile.CreateOnce(databasePath, [], ownerOnly: true);
        }
    }

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// The state folder holds the encrypted credential, its key, run history and results: a folder that others can
    /// read (made by hand, copied, or by an older Runner) is tightened to 0700 with every file 0600, or refused with
    /// the command that fixes it when this user cannot change it.
    /// </summary>
    private void Tighten()
    {
        if (OperatingSystem.IsWindows() || (File.GetUnixFileMode(Root) & GroupOrOther) == 0)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var entry in new DirectoryInfo(Root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            {
                if (entry.LinkTarget is null && (entry.UnixFileMode & GroupOrOther) != 0)
                {
                    entry.UnixFileMode &= ~GroupOrOther;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException(
                $"The state folder {Root} can be read by other users and Runner could not tighten it ({IoReason.Of(e)}). It holds the encrypted credential, its key and the run history: run `chmod -R go-rwx {Root}` as its owner, then run again.", e);
        }
    }

    /// <summary>Temporary files (atomic writes, probes) of processes killed before they could rename or delete them.</summary>
    private void SweepAbandoned()
    {
        foreach (var file in Directory.EnumerateFiles(Root, ".*"))
        {
            var name = Path.GetFileName(file);
            if ((name.EndsWith(".tmp", StringComparison.Ordinal) || name.StartsWith(".probe-", StringComparison.Ordinal)) &&
                DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > AbandonedAfter)
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }
}

/// <summary>The state folder or a file in it is unusable; the message says how to fix it.</summary>
internal sealed class StateException(string message, Exception? inner = null) : Exception(message, inner);

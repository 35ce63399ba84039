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

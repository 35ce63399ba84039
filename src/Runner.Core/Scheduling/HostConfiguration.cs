using System.Collections;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.State;

namespace Runner.Scheduling;

/// <summary>
/// The host's runner.yaml: the last valid version, and a copy of its text that workers are started with, so an
/// edit that does not parse never reaches a run. An edit is accepted only whole; a bad one is reported and ignored.
/// </summary>
internal sealed class HostConfiguration
{
    private const int SnapshotsKept = 5;
    private readonly IDictionary _environment;
    private readonly ILogger _log;
    private readonly string _snapshots;
    private string _hash;

    private HostConfiguration(string path, IDictionary environment, RunnerConfig config, string text, StateDirectory state, ILogger log)
    {
        ConfigPath = path;
        _environment = environment;
        _log = log;
        _snapshots = Path.Combine(state.Root, "host");
        Current = config;
        _hash = Hash(text);
        SnapshotPath = WriteSnapshot(text, _hash);
    }

    public string ConfigPath { get; }

    public RunnerConfig Current { get; private set; }

    /// <summary>The text of <see cref="Current"/>, which workers parse instead of runner.yaml (and resolve against its folder).</summary>
    public string SnapshotPath { get; private set; }

    /// <summary>Loads runner.yaml at start; a bad file stops the host before anything is scheduled.</summary>
    public static HostConfiguration Load(RunnerConfig config, IDictionary environment, ILogger log)
    {
        var text = File.ReadAllText(config.FilePath);
        Validate(ConfigLoader.Parse(text, config.FilePath, environment));
        return new HostConfiguration(config.FilePath, environment, config, text, new StateDirectory(config.StateDirectory), log);
    }

    /// <summary>Reads runner.yaml again; the new configuration when it changed and is valid, else null (the old one stays).</summary>
    public RunnerConfig? Reload()
    {
        string text;
        try
        {
            text = File.ReadAllText(ConfigPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError("{Path} cannot be read ({Problem}); the host keeps running with the last valid configuration.", ConfigPath, e.Message);
            return null;
        }

        var hash = Hash(text);
        if (hash == _hash)
        {
            return null;
        }

        _hash = hash;
        RunnerConfig next;
        try
        {
            next = ConfigLoader.Parse(text, ConfigPath, _environment);
            Validate(next);
        }
        catch (ConfigException e)
        {
            _log.LogError("{Problem} The edit is ignored; the host keeps running with the last valid configuration.", e.Message);
            return null;
        }

        WarnAboutRestart(Current, next);
        SnapshotPath = WriteSnapshot(text, hash);
        Current = next;
        return next;
    }

    private static void Validate(RunnerConfig config)
    {
        if (config.Jobs.ContainsKey(SchedulerKeys.KeepAlive))
        {
            throw new ConfigException(config.FilePath, 0, 0, $"jobs.{SchedulerKeys.KeepAlive}",
                "this name is taken by the built-in credential keep-alive (scheduler.keepAlive); give the job another name");
        }
    }

    private void WarnAboutRestart(RunnerConfig current, RunnerConfig next)
    {
        var before = current.Scheduler;
        var after = next.Scheduler;
        var changed = new List<string>();
        if (before.Store != after.Store || before.ConnectionString != after.ConnectionString)
        {
            changed.Add("scheduler.store/connectionString");
        }

        if (before.NodeName != after.NodeName || before.MaxConcurrentJobs != after.MaxConcurrentJobs || before.CheckinInterval != after.CheckinInterval)
        {
            changed.Add("scheduler.nodeName/maxConcurrentJobs/checkinInterval");
        }

        if (current.StateDirectory != next.StateDirectory)
        {
            changed.Add("state");
        }

        if (changed.Count > 0)
        {
            _log.LogWarning("runner.yaml changed {Settings}: restart the host to apply {Them}; jobs and schedules are updated now.",
                string.Join(", ", changed), changed.Count == 1 ? "it" : "them");
        }
    }

    private string WriteSnapshot(string text, string hash)
    {
        var path = Path.Combine(_snapshots, $"runner-{hash[..16]}.yaml");
        if (File.Exists(path))
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        else
        {
            AtomicFile.Write(path, Encoding.UTF8.GetBytes(text), ownerOnly: true);
        }

        // Old copies go once newer ones exist; a worker reads its copy in its first second, so a few are plenty.
        foreach (var old in new DirectoryInfo(_snapshots).GetFiles("runner-*.yaml").OrderByDescending(f => f.LastWriteTimeUtc).Skip(SnapshotsKept))
        {
            try
            {
                old.Delete();
            }
            catch (IOException)
            {
            }
        }

        return path;
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}

using System.Collections;
using Microsoft.Extensions.Logging;
using Runner.Configuration;
using Runner.Redaction;

namespace Runner.Scheduling;

/// <summary>What the CLI hands the scheduler host: the configuration it was started with, its surroundings, and how
/// to start workers.</summary>
internal sealed record SchedulerHostOptions(
    RunnerConfig Config,
    IDictionary Environment,
    WorkerExecutable Worker,
    ILoggerProvider LogProvider,
    LogLevel LogLevel,
    SecretRedactor Redactor,
    TimeProvider Time)
{
    /// <summary>This host's name in history and in the cluster: scheduler.nodeName, else the machine name.</summary>
    public string NodeName => Config.Scheduler.NodeName ?? System.Environment.MachineName;

    /// <summary>Where else the host's log lines go (OTLP, when runner.yaml's telemetry: says so).</summary>
    public ILoggerProvider? ExtraLogProvider { get; init; }
}

namespace Runner.Scheduling;

/// <summary>How to start `runner worker`: the runner executable itself, or the dotnet host with runner.dll.</summary>
internal sealed record WorkerExecutable(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The job parameters of a manual fire travel in this variable (JSON), not on the command line.</summary>
    public const string ParametersVariable = "RUNNER_WORKER_PARAMS";
}

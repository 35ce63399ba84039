using System.Collections;
using System.Diagnostics;

namespace Runner.Scheduling;

/// <summary>How to start `runner worker`: the runner executable itself, or the dotnet host with runner.dll.</summary>
internal sealed record WorkerExecutable(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The job parameters of a manual fire travel in this variable (JSON), not on the command line.</summary>
    public const string ParametersVariable = "RUNNER_WORKER_PARAMS";

    /// <summary>A worker in <paramref name="workingDirectory"/> that sees the environment the host was given (tests and
    /// services pass their own), nothing more.</summary>
    public ProcessStartInfo StartInfo(string workingDirectory, IDictionary environment, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(FileName) { WorkingDirectory = workingDirectory };
        foreach (var argument in PrefixArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (DictionaryEntry variable in environment)
        {
            start.Environment[(string)variable.Key] = variable.Value as string;
        }

        return start;
    }
}

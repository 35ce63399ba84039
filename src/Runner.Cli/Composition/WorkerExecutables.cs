using System.Collections;
using Runner.Scheduling;

namespace Runner.Cli.Composition;

/// <summary>How this installation starts `runner worker`: the runner executable when that is what runs, else the
/// dotnet host with runner.dll (`dotnet runner.dll`, a tool install, or tests).</summary>
internal static class WorkerExecutables
{
    public static WorkerExecutable Resolve(IDictionary environment)
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("runner", StringComparison.OrdinalIgnoreCase))
        {
            return new WorkerExecutable(self, []);
        }

        var dotnet = self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? self
            : environment["DOTNET_HOST_PATH"] as string is { Length: > 0 } hostPath ? hostPath : "dotnet";
        return new WorkerExecutable(dotnet, [typeof(CliApp).Assembly.Location]);
    }
}

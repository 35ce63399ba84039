namespace Runner.Cli.Composition;

/// <summary>
/// With RUNNER_DIAG_LOADED_ASSEMBLIES=FILE, writes the names of every assembly the process loaded to FILE on exit.
/// It is how a test (and an operator chasing start-up time) sees that a cached run never loads Roslyn.
/// </summary>
internal static class LoadedAssemblyReport
{
    public const string Variable = "RUNNER_DIAG_LOADED_ASSEMBLIES";

    public static void WriteIfAsked()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } file)
        {
            return;
        }

        var names = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "").Order(StringComparer.Ordinal);
        File.WriteAllLines(file, names);
    }
}

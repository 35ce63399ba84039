using Runner.Configuration;

namespace Runner.Projects;

/// <summary>What <c>runner init</c> did: the files it wrote, and those it found and left alone.</summary>
/// <param name="Refused">True when the folder already holds a runner.yaml: nothing was written.</param>
public sealed record InitResult(string Root, bool Refused, IReadOnlyList<string> Written, IReadOnlyList<string> Kept);

/// <summary>
/// Sets up a Runner project in a folder: a commented runner.yaml (the built-in sandbox to start, the public cloud's
/// keys commented), jobs/hello.csx, the editor set-up and a .gitignore for the state folder. Never replaces a file:
/// a folder that has a runner.yaml is refused, and other files that exist are kept.
/// </summary>
internal static class ProjectInit
{
    /// <summary>The line of .gitignore that keeps the state folder (tokens, secrets, history) out of the repository.</summary>
    public const string StateIgnore = ".runner/";

    public static InitResult Run(string folder)
    {
        var root = Path.GetFullPath(folder);
        var config = Path.Combine(root, ConfigLoader.FileName);
        if (File.Exists(config))
        {
            return new InitResult(root, true, [], [config]);
        }

        Directory.CreateDirectory(root);
        var written = new List<string>();
        var kept = new List<string>();
        if (!ProjectFiles.WriteIfMissing(config, ProjectTemplates.RunnerYaml))
        {
            // Another `runner init` got there first.
            return new InitResult(root, true, [], [config]);
        }

        written.Add(config);
        var jobs = Path.Combine(root, "jobs");
        var hello = Path.Combine(jobs, "hello.csx");
        (ProjectFiles.WriteIfMissing(hello, ProjectTemplates.HelloScript) ? written : kept).Add(hello);
        written.AddRange(EditorSetup.Write(root, jobs));
        var ignore = Path.Combine(root, ".gitignore");
        (IgnoreState(ignore) ? written : kept).Add(ignore);
        return new InitResult(root, false, written, kept);
    }

    /// <summary>Adds the state folder to .gitignore (creating it); false when it was already ignored.</summary>
    private static bool IgnoreState(string path)
    {
        const string Block = "# Runner's state: token cache, secrets, run history. Never commit it.\n" + StateIgnore + "\n";
        if (ProjectFiles.WriteIfMissing(path, Block))
        {
            return true;
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim());
        if (lines.Any(l => l is ".runner" or ".runner/" or "/.runner" or "/.runner/"))
        {
            return false;
        }

        var text = File.ReadAllText(path);
        File.AppendAllText(path, (text.Length > 0 && !text.EndsWith('\n') ? "\n" : "") + "\n" + Block);
        return true;
    }
}

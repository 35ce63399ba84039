using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A .NET 10 file-based app (`dotnet run hello.cs`) in a folder of its own, and the build output the SDK caches for
/// it. The SDK keeps that in dotnet/runfile/NAME-HASH under the local application data folder (the temp folder on
/// Windows), HASH being the SHA-256 of the file's full path in upper case; removing it makes the next
/// `dotnet run` build again from nothing. For a file without directives the SDK (10.0.1xx and later) then skips
/// MSBuild and hands the compiler its arguments directly, through the C# compiler server (VBCSCompiler);
/// `dotnet run --no-cache` builds through MSBuild instead, as a file with #: directives or a project needs.
/// </summary>
internal sealed class FileBasedApp
{
    private FileBasedApp(string file) => File = file;

    public string File { get; }

    public string Folder => Path.GetDirectoryName(File)!;

    /// <summary>Where the SDK may cache the build (the first one that exists is used); both are cleared.</summary>
    public IReadOnlyList<string> ArtifactsCandidates
    {
        get
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(File.ToUpperInvariant())));
            var name = $"{Path.GetFileNameWithoutExtension(File)}-{hash}";
            return
            [
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "dotnet", "runfile", name),
                Path.Combine(Path.GetTempPath(), "dotnet", "runfile", name),
            ];
        }
    }

    public static FileBasedApp Create(string folder, string name, string source)
    {
        Directory.CreateDirectory(folder);
        var file = Path.GetFullPath(Path.Combine(folder, name));
        System.IO.File.WriteAllText(file, source);
        return new FileBasedApp(file);
    }

    /// <summary>`dotnet run NAME.cs` in its folder, with <paramref name="options"/> after it.</summary>
    public ProcessStartInfo Run(params string[] options) => Proc.Info("dotnet", ["run", Path.GetFileName(File), .. options], Folder);

    /// <summary>Whether a C# compiler server (VBCSCompiler, any user's) is running now: builds through it skip its start.</summary>
    public static bool CompilerServerRunning()
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (System.IO.File.ReadAllText(Path.Combine(process, "comm")).Trim() == "VBCSCompiler")
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return false;
    }

    /// <summary>Whether the SDK's cached build is where <see cref="ArtifactsCandidates"/> says.</summary>
    public bool HasArtifacts => ArtifactsCandidates.Any(Directory.Exists);

    /// <summary>Removes the cached build; false if there was none to remove.</summary>
    public bool ClearArtifacts()
    {
        var removed = false;
        foreach (var directory in ArtifactsCandidates.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
            removed = true;
        }

        return removed;
    }
}

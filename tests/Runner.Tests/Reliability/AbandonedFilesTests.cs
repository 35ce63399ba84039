using Runner.Scripting;
using Runner.State;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// A process killed in the middle of an atomic write leaves its temporary file (or compile folder) behind. They
/// never confuse a reader (their names are not the real ones), and once an hour old they are swept away, while a
/// temporary file of a write still in progress is left alone.
/// </summary>
public sealed class AbandonedFilesTests
{
    [Fact]
    public void Temporary_files_and_compile_folders_of_killed_processes_are_swept_once_an_hour_old()
    {
        using var folder = new TempFolder();
        var state = new StateDirectory(folder.Combine(".runner"));
        state.Ensure();
        var oldWrite = Touch(Path.Combine(state.Root, ".tokens.bin.4242.0123456789abcdef.tmp"), hoursAgo: 2);
        var oldProbe = Touch(Path.Combine(state.Root, ".probe-4242-0123456789abcdef"), hoursAgo: 2);
        var freshWrite = Touch(Path.Combine(state.Root, ".secrets.bin.4243.0123456789abcdef.tmp"), hoursAgo: 0);
        var oldCompile = Directory.CreateDirectory(Path.Combine(state.CompileCache, ".tmp-0123456789ab-4242-0123456789abcdef")).FullName;
        Directory.SetLastWriteTimeUtc(oldCompile, DateTime.UtcNow.AddHours(-2));
        var freshCompile = Directory.CreateDirectory(Path.Combine(state.CompileCache, ".tmp-0123456789ab-4243-0123456789abcdef")).FullName;

        state.Ensure();
        new ScriptCache(state.CompileCache).Store(new string('a', 64), new CompiledArtifact(true, [], [1, 2, 3], [4], "Script", "Run", []));

        Assert.False(File.Exists(oldWrite));
        Assert.False(File.Exists(oldProbe));
        Assert.True(File.Exists(freshWrite), "a write in progress is left alone");
        Assert.False(Directory.Exists(oldCompile));
        Assert.True(Directory.Exists(freshCompile), "a compile in progress is left alone");
        Assert.NotNull(new ScriptCache(state.CompileCache).TryGet(new string('a', 64)));
    }

    private static string Touch(string path, int hoursAgo)
    {
        File.WriteAllBytes(path, [0]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-hoursAgo));
        return path;
    }
}

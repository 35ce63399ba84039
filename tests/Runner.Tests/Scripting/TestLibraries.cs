using System.IO.Compression;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Runner.Tests.Scripting;

/// <summary>Small class libraries and NuGet packages made on the spot, for #r and #r "nuget:" tests (no network).</summary>
internal static class TestLibraries
{
    /// <summary>Compiles <paramref name="code"/> into <paramref name="path"/> against the framework and <paramref name="references"/>.</summary>
    public static string Compile(string path, string assemblyName, string code, params string[] references)
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll");
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(code)],
            framework.Concat(references).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return path;
    }

    /// <summary>Writes <paramref name="id"/>.<paramref name="version"/>.nupkg with one lib/net8.0 assembly into a folder feed.</summary>
    public static void Package(string feed, string id, string version, string dll, params (string Id, string Version)[] dependencies)
    {
        Directory.CreateDirectory(feed);
        var deps = string.Join("", dependencies.Select(d => $"<dependency id=\"{d.Id}\" version=\"[{d.Version}]\" />"));
        var nuspec = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                <authors>Runner tests</authors>
                <description>A package made by a test.</description>
                <dependencies><group targetFramework="net8.0">{deps}</group></dependencies>
              </metadata>
            </package>
            """;
        using var zip = ZipFile.Open(Path.Combine(feed, $"{id}.{version}.nupkg".ToLowerInvariant()), ZipArchiveMode.Create);
        Write(zip, $"{id}.nuspec", nuspec);
        Write(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /></Types>
            """);
        zip.CreateEntryFromFile(dll, $"lib/net8.0/{Path.GetFileName(dll)}");
    }

    /// <summary>A nuget.config that uses only <paramref name="feed"/> and keeps its global packages folder in <paramref name="packages"/>.</summary>
    public static string NuGetConfig(string folder, string feed, string packages)
    {
        var path = Path.Combine(folder, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources><clear /><add key="test-feed" value="{feed}" /></packageSources>
            </configuration>
            """);
        return path;
    }

    private static void Write(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(content);
    }
}

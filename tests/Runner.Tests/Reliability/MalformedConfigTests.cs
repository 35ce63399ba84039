using System.Text.RegularExpressions;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Reliability;

/// <summary>
/// Each file in TestData/MalformedConfig holds one mistake an operator makes in runner.yaml; the CLI must answer
/// with exit code 2 and one line naming the file, the line and column of the mistake, and what is wrong.
/// </summary>
public sealed partial class MalformedConfigTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "MalformedConfig");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void There_are_at_least_ten_malformed_files()
    {
        Assert.True(Files().Count >= 10, $"only {Files().Count} files in {Folder}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_malformed_file_gives_one_line_with_file_line_and_column(string file)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Folder, file));
        var expect = Expectation().Match(text.Split('\n')[0]);
        Assert.True(expect.Success, $"{file} must start with '# expect: (LINE,COLUMN) message'");
        using var workspace = new Workspace();
        workspace.Write("runner.yaml", text);
        workspace.Write("jobs/hello.csx", "return 1;\n");

        var result = await workspace.RunAsync("history");

        Assert.True(result.ExitCode == 2, $"{file}: {result}");
        Assert.Equal("", result.Output);
        var lines = result.Error.TrimEnd('\n', '\r').Split('\n');
        Assert.True(lines.Length == 1, $"{file}: expected one line on standard error: {result}");
        var where = $"{workspace.Path("runner.yaml")}({expect.Groups["line"].Value},{expect.Groups["column"].Value}): error: ";
        Assert.True(lines[0].StartsWith(where, StringComparison.Ordinal), $"{file}: expected the line to start with '{where}': {lines[0]}");
        Assert.Contains(expect.Groups["message"].Value.Trim(), lines[0][where.Length..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RUNNER__DEFAULTS__PARALLEL", "lots", "'defaults.parallel': expected a whole number, found 'lots'")]
    [InlineData("RUNNER__DEFAULTS__PARALEL", "4", "'defaults.paralel': unknown key; did you mean 'parallel'?")]
    [InlineData("RUNNER__CLOUD__NAME", "public", "'cloud': expected a text value, found a mapping")]
    [InlineData("RUNNER__JOBS__NIGHTLY__SCRIPT", "jobs/nightly.csx", "'jobs.nightly.script': the script 'jobs/nightly.csx' does not exist")]
    public async Task A_bad_environment_override_names_the_variable(string variable, string value, string problem)
    {
        using var workspace = new Workspace().WithBuiltInSandbox();
        workspace.Environment[variable] = value;

        var result = await workspace.RunAsync("history");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"environment variable {variable}: error: {problem}", result.Error.Trim(), StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [GeneratedRegex(@"^# expect: \((?<line>\d+),(?<column>\d+)\) (?<message>.+)$")]
    private static partial Regex Expectation();
}

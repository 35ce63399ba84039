using Runner.Configuration;
using Runner.Execution;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Execution;

/// <summary>The one place `runner run` and a scheduled worker build a request: who may write, which secrets.</summary>
public sealed class JobRequestsTests : IDisposable
{
    private readonly TempFolder _folder = new("runner-requests");

    public void Dispose() => _folder.Dispose();

    private RunnerConfig Config(string jobs)
    {
        _folder.Write("jobs/a.csx", "return 1;");
        var path = _folder.Write("runner.yaml", $"cloud: sandbox\njobs:\n{jobs}");
        return ConfigLoader.Load(path, new Dictionary<string, string>());
    }

    private JobRequest Build(RunnerConfig config, string target, bool whatIf = false, bool readOnly = false, string[]? secrets = null) =>
        JobRequests.Build(config, target, [], [], [], null, null, false, false, _folder.Path, whatIf, readOnly, secrets);

    [Fact]
    public void A_job_in_runner_yaml_is_read_only_unless_it_says_writes_true_which_is_what_a_scheduled_fire_builds()
    {
        var config = Config("  quiet: { script: jobs/a.csx, schedule: \"0 0 6 * * ?\" }\n  writer: { script: jobs/a.csx, writes: true }\n");

        Assert.Equal("jobs.quiet.writes is not true in runner.yaml", Build(config, "quiet").ReadOnlyReason);
        Assert.Null(Build(config, "writer").ReadOnlyReason);
        Assert.Equal("--read-only", Build(config, "writer", readOnly: true).ReadOnlyReason);
        Assert.True(Build(config, "quiet", whatIf: true).WhatIf);
    }

    [Fact]
    public void An_ad_hoc_script_may_write_unless_run_with_read_only()
    {
        var config = Config("  writer: { script: jobs/a.csx, writes: true }\n");

        Assert.Null(Build(config, "jobs/a.csx").ReadOnlyReason);
        Assert.Equal("--read-only", Build(config, "jobs/a.csx", readOnly: true).ReadOnlyReason);
    }

    [Fact]
    public void Secrets_are_the_jobs_grants_and_the_runs_own_once_each()
    {
        var config = Config("  sync: { script: jobs/a.csx, secrets: [psa-key, itglue-key] }\n");

        Assert.Equal(["psa-key", "itglue-key", "extra"], Build(config, "sync", secrets: ["psa-key", "extra"]).Secrets);
        Assert.Equal(["extra"], Build(config, "jobs/a.csx", secrets: ["extra", "extra"]).Secrets);
    }

    [Theory]
    [InlineData("no spaces", "is not a secret name")]
    [InlineData("partner-refresh-token", "never hands to a script")]
    public void A_secret_that_cannot_be_granted_is_refused_naming_it(string name, string message)
    {
        var config = Config("  sync: { script: jobs/a.csx }\n");

        var error = Assert.Throws<JobRequestException>(() => Build(config, "jobs/a.csx", secrets: [name]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Notifications;

namespace Runner.Tests.Notifications;

/// <summary>Which messages a finished run makes, and what they hold (and do not).</summary>
public sealed class NotificationRulesTests
{
    private static RunnerConfig Config(string rules) => ConfigLoader.Parse($$"""
        cloud: sandbox
        notify:
          channels:
            ops: { type: webhook, url: "https://hooks.example.com/ops" }
            psa: { type: webhook, url: "https://hooks.example.com/psa" }
          rules:
        {{rules}}
        """, Path.Combine(Path.GetTempPath(), "runner.yaml"), new System.Collections.Hashtable());

    private static RunDetails Run(RunStatus status, int failed, int succeeded)
    {
        var now = DateTimeOffset.UtcNow;
        var tenants = Enumerable.Range(0, failed).Select(i => new TenantRecord($"f{i}", $"failing{i:00}.onmicrosoft.com", $"Failing {i}", TenantStatus.Failed, now, TimeSpan.FromSeconds(1), null, $"reason {i}\nsecond line"))
            .Concat(Enumerable.Range(0, succeeded).Select(i => new TenantRecord($"s{i}", $"ok{i}.onmicrosoft.com", $"Ok {i}", TenantStatus.Succeeded, now, TimeSpan.FromSeconds(1), "{\"users\":3}", null)))
            .ToList();
        return new RunDetails(new RunRecord("run-1", "audit", "jobs/audit.csx", "cron", "node", null, now, now.AddMinutes(1), status, tenants.Count, succeeded, failed, 0, 0, 0, null, 1, null), tenants, []);
    }

    [Fact]
    public void A_storm_of_failures_is_one_message_naming_the_first_ten_with_one_line_reasons_and_no_results()
    {
        var messages = NotificationRules.ForRun(Config("    - { on: [failure], channels: [ops] }"), Run(RunStatus.Failed, 25, 5), null, needsOperator: false);

        var (channel, message) = Assert.Single(messages);
        Assert.Equal("ops", channel);
        Assert.Equal("audit failed: 25 of 30 tenants", message.Title);
        Assert.Equal(10, message.Failed.Count);
        Assert.Equal(15, message.MoreFailed);
        Assert.Equal("reason 0", message.Failed[0].Reason);
        Assert.Null(message.Results);
        Assert.Equal(new Dictionary<string, int> { ["Failed"] = 25, ["Succeeded"] = 5 }, message.Counts);
    }

    [Fact]
    public void A_run_that_needs_an_operator_sends_the_credential_event_and_results_only_where_asked()
    {
        var config = Config("""
                - { on: [credential], channels: [ops] }
                - { on: [failure], channels: [psa], includeResults: true }
            """);

        var messages = NotificationRules.ForRun(config, Run(RunStatus.Error, 1, 2), null, needsOperator: true);

        Assert.Equal(2, messages.Count);
        var credential = messages.Single(m => m.Channel == "ops").Message;
        Assert.Equal("credential", credential.Event);
        Assert.Equal("audit: the partner credential needs an operator", credential.Title);
        Assert.Null(credential.Results);
        var withResults = messages.Single(m => m.Channel == "psa").Message;
        Assert.Equal(2, withResults.Results!.Count);
    }
}

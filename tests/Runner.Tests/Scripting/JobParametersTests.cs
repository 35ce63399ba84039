using System.Text.Json.Nodes;
using Runner.Scripting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Scripting;

/// <summary>The Params global: typed getters with defaults, and errors that name the parameter.</summary>
public sealed class JobParametersTests
{
    private static JobParameters Params(params (string Key, string Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value));

    [Fact]
    public void Get_returns_the_default_when_the_parameter_is_not_given_and_the_converted_value_when_it_is()
    {
        Assert.Equal(90, Params().Get("days", 90));
        Assert.Equal(30, Params(("days", "30")).Get("days", 90));
        Assert.Equal(30, Params(("DAYS", "30")).Get<int>("days"));
        Assert.True(Params(("dryRun", "yes")).Get("dryRun", false));
        Assert.Equal(TimeSpan.FromDays(7), Params(("window", "7d")).Get<TimeSpan>("window"));
        Assert.Equal(DayOfWeek.Monday, Params(("day", "monday")).Get<DayOfWeek>("day"));
        Assert.Equal(2.5m, Params(("ratio", "2.5")).Get<decimal>("ratio"));
        Assert.Null(Params().Get<int?>("limit", null));
        Assert.Equal(["owner", "costCenter"], Params(("tags", "owner, costCenter,")).GetList<string>("tags"));
        Assert.Empty(Params().GetList<int>("ids"));
    }

    [Theory]
    [InlineData("days", "ninety", "int", "The job parameter 'days' is 'ninety', which is not a valid whole number.")]
    [InlineData("dryRun", "maybe", "bool", "The job parameter 'dryRun' is 'maybe', which is not a valid true/false value.")]
    [InlineData("window", "soon", "timespan", "The job parameter 'window' is 'soon', which is not a valid duration (e.g. 00:30:00, 90s, 7d).")]
    public void A_value_that_does_not_convert_is_an_error_naming_the_parameter_and_the_value(string name, string value, string type, string expected)
    {
        var parameters = Params((name, value));
        var error = Assert.Throws<JobParameterException>(() => type switch
        {
            "int" => parameters.Get(name, 0),
            "bool" => parameters.Get(name, false),
            _ => (object)parameters.Get(name, TimeSpan.Zero),
        });
        Assert.Equal(expected, error.Message);
        Assert.Equal(name, error.Parameter);
    }

    [Fact]
    public void A_required_parameter_that_is_missing_says_how_to_pass_it()
    {
        var error = Assert.Throws<JobParameterException>(() => Params().Get<string>("customerGroup"));
        Assert.Equal("The job parameter 'customerGroup' is required. Pass it with --param customerGroup=<value> or set it under params: in runner.yaml.", error.Message);
    }

    [Fact]
    public async Task A_bad_param_on_the_command_line_fails_the_tenants_with_the_parameter_named_and_exits_2()
    {
        using var workspace = new Workspace().WithBuiltInSandbox(customers: 3);
        workspace.Write("jobs/days.csx", "var days = Params.Get<int>(\"days\", 90);\nreturn days;\n");

        var good = await workspace.RunAsync("run", "jobs/days.csx", "--param", "days=14", "--output", "json");
        var bad = await workspace.RunAsync("run", "jobs/days.csx", "--param", "days=two-weeks", "--output", "json");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.All(JsonNode.Parse(good.Output)!["tenants"]!.AsArray(), t => Assert.Equal(14, (int)t!["result"]!));
        Assert.Equal(2, bad.ExitCode);
        Assert.All(JsonNode.Parse(bad.Output)!["tenants"]!.AsArray(),
            t => Assert.Equal($"{Path.Combine("jobs", "days.csx")}(1): JobParameterException: The job parameter 'days' is 'two-weeks', which is not a valid whole number.", (string)t!["error"]!));
    }
}

namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>Debian's azure-cli against the sandbox: tests/Conformance/az/az.sh.</summary>
public sealed class AzureCliTests(ForeignClientFixture fixture) : IClassFixture<ForeignClientFixture>
{
    public static readonly TheoryData<string> Checks =
    [
        "cloud_register_from_arm_metadata",
        "cloud_register_and_set",
        "login_partner_tenant_without_subscriptions",
        "login_customer_tenant_by_domain",
        "login_customer_tenant_finds_its_subscriptions",
        "group_list_and_show",
        "group_show_missing_is_an_arm_error",
        "account_list_locations",
        "tag_list",
        "resource_list_by_type",
        "rest_graph_organization",
        "rest_graph_users_page",
        "rest_graph_partner_admin_by_upn",
    ];

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Check_passes(string check) => (await fixture.AzureCliAsync("az.sh")).AssertPassed(check);

    [Fact]
    public async Task The_script_runs_exactly_the_checks_named_here() =>
        (await fixture.AzureCliAsync("az.sh")).AssertRanExactly(Checks.Cast<object[]>().Select(row => (string)row[0]));

    [Fact]
    public async Task No_secret_reaches_the_output()
    {
        var run = (await fixture.AzureCliAsync("az.sh")).Run;
        foreach (var name in new[] { "SANDBOX_CLIENT_SECRET", "SANDBOX_REFRESH_TOKEN" })
        {
            Assert.DoesNotContain(fixture.Environment[name], run.Output + run.Error, StringComparison.Ordinal);
        }
    }
}

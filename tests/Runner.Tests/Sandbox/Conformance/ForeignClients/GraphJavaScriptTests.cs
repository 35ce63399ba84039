namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>npm's @microsoft/microsoft-graph-client with @azure/identity against the sandbox's Graph:
/// tests/Conformance/node/graph.mjs.</summary>
public sealed class GraphJavaScriptTests(ForeignClientFixture fixture) : IClassFixture<ForeignClientFixture>
{
    public static readonly TheoryData<string> Checks =
    [
        "users_select_returns_only_the_named_properties",
        "users_page_iterator_follows_next_link",
        "users_filter_and_count_with_consistency_level",
        "users_filter_on_user_principal_name_finds_the_partner_admin",
        "me_is_the_signed_in_partner_admin",
        "gdap_admin_reads_a_customer_tenant",
        "organization_domains_and_subscribed_skus",
        "app_only_token_names_the_service_principal",
        "a_missing_user_is_a_graph_error_with_code",
        "a_bad_filter_is_a_400_graph_error",
        "an_unknown_route_is_a_graph_error_naming_the_path",
    ];

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Check_passes(string check) => (await fixture.NodeAsync("graph.mjs")).AssertPassed(check);

    [Fact]
    public async Task The_script_runs_exactly_the_checks_named_here() =>
        (await fixture.NodeAsync("graph.mjs")).AssertRanExactly(Checks.Cast<object[]>().Select(row => (string)row[0]));
}

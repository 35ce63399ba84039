namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>azure-mgmt-resource (Debian's python3-azure) against the sandbox's ARM: tests/Conformance/python/arm_resources.py.</summary>
public sealed class ResourceManagerPythonTests(ForeignClientFixture fixture) : IClassFixture<ForeignClientFixture>
{
    public static readonly TheoryData<string> Checks =
    [
        "subscriptions_list_and_get",
        "tenants_list",
        "locations_list",
        "resource_groups_list_get_and_exists",
        "resource_groups_filter_by_tag",
        "resources_list_follows_next_link_with_top",
        "resources_filter_by_type_and_tag",
        "resources_by_resource_group",
        "tags_list_counts_names_and_values",
        "tags_at_subscription_scope",
        "providers_list_and_get",
        "unknown_routes_answer_an_arm_error_envelope",
        "cloud_metadata_names_the_sandbox",
        "resource_get_by_id",
        "storage_and_compute_sdks_list_by_type",
    ];

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Check_passes(string check) => (await fixture.PythonAsync("arm_resources.py")).AssertPassed(check);

    [Fact]
    public async Task The_script_runs_exactly_the_checks_named_here() =>
        (await fixture.PythonAsync("arm_resources.py")).AssertRanExactly(Checks.Cast<object[]>().Select(row => (string)row[0]));
}

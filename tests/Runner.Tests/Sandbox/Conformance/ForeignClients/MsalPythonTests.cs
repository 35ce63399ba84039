namespace Runner.Tests.Sandbox.Conformance.ForeignClients;

/// <summary>MSAL for Python (Debian's python3-msal) against the sandbox's Entra ID: tests/Conformance/python/msal_flows.py.</summary>
public sealed class MsalPythonTests(ForeignClientFixture fixture) : IClassFixture<ForeignClientFixture>
{
    public static readonly TheoryData<string> Checks =
    [
        "instance_discovery_validates_the_sandbox_authority",
        "instance_discovery_refuses_an_unknown_host",
        "domain_authority_resolves_to_the_tenant",
        "unknown_tenant_is_refused_at_discovery",
        "refresh_token_flow_in_the_partner_tenant",
        "refresh_token_flow_in_a_customer_tenant",
        "silent_flow_reuses_then_redeems_the_cached_refresh_token",
        "silent_flow_in_a_customer_tenant_with_the_partner_account",
        "client_credentials_in_the_partner_tenant",
        "client_credentials_differ_per_tenant",
        "a_wrong_secret_is_refused_with_entra_error",
        "a_scope_of_an_unknown_resource_is_refused",
    ];

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Check_passes(string check) => (await fixture.PythonAsync("msal_flows.py")).AssertPassed(check);

    [Fact]
    public async Task The_script_runs_exactly_the_checks_named_here() =>
        (await fixture.PythonAsync("msal_flows.py")).AssertRanExactly(Checks.Cast<object[]>().Select(row => (string)row[0]));
}

using System.Security.Claims;
using Runner.Configuration;
using Runner.Web.Access;

namespace Runner.Tests.Web;

/// <summary>web.roles entries against a signed-in user's claims: user names, group:ID and role:NAME.</summary>
public sealed class ConsoleRolesTests
{
    private static ClaimsPrincipal User(string name, string[] groups, string[] roles) => new(new ClaimsIdentity(
        [new Claim("preferred_username", name), .. groups.Select(g => new Claim("groups", g)), .. roles.Select(r => new Claim("roles", r))], "oidc"));

    private static WebSettings Roles(string[] operators, string[] viewers) => WebSettings.Default with { Operators = operators, Viewers = viewers };

    [Theory]
    [InlineData("alice@contoso.com", "", "", "Operator")]
    [InlineData("ALICE@CONTOSO.COM", "", "", "Operator")]
    [InlineData("bob@contoso.com", "5f0e1c7a-0000-0000-0000-000000000001", "", "Operator")]
    [InlineData("carol@contoso.com", "", "Runner.Viewer", "Viewer")]
    [InlineData("carol@contoso.com", "", "Runner.Operator", "Operator")]
    [InlineData("dave@contoso.com", "", "runner.viewer", "None")]
    [InlineData("erin@contoso.com", "5f0e1c7a-0000-0000-0000-000000000002", "", "None")]
    public void Resolve_MatchesNamesGroupsAndAppRoles_OperatorsFirst(string name, string group, string role, string expected)
    {
        var web = Roles(["alice@contoso.com", "group:5F0E1C7A-0000-0000-0000-000000000001", "role:Runner.Operator"], ["role:Runner.Viewer"]);
        var user = User(name, group.Length > 0 ? [group] : [], role.Length > 0 ? [role] : []);

        Assert.Equal(expected, ConsoleRoles.Resolve(user, web).ToString());
    }
}

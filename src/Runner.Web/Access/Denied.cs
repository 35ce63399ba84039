using Microsoft.AspNetCore.Authentication;
using Runner.Web.Pages;

namespace Runner.Web.Access;

/// <summary>Signed in, but not named in web.roles: say so, and who to ask, instead of a bare 403.</summary>
internal static class Denied
{
    public static IResult Render(HttpContext http)
    {
        var body = new Html().Element("p", $"You are signed in as {ConsoleRoles.DisplayName(http.User)}, but web.roles in runner.yaml names you neither as an operator nor as a viewer. Ask whoever runs Runner to add you (your user name, one of your groups, or an app role).");
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Layout.Page(http, "No access", body);
    }

    public static async Task SignOut(HttpContext http)
    {
        await http.SignOutAsync(SignInSetup.Cookies);
        http.Response.Redirect("/");
    }
}

using System.Security.Claims;
using Runner.Web.Access;

namespace Runner.Web.Pages;

/// <summary>The frame around every page: navigation, who is signed in, one stylesheet and one script (both served here).</summary>
internal static class Layout
{
    private static readonly (string Href, string Title)[] Sections =
    [
        ("/", "Overview"), ("/jobs", "Jobs"), ("/runs", "Runs"), ("/tenants", "Tenants"), ("/credential", "Credential"),
    ];

    public static IResult Page(HttpContext http, string title, Html body)
    {
        var user = http.User;
        var page = new Html()
            .Raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<title>").Text($"{title} · Runner").Raw("</title><link rel=\"stylesheet\" href=\"/assets/console.css\"><script src=\"/assets/console.js\" defer></script></head><body>")
            .Raw("<header><nav><span class=\"brand\">Runner</span>");
        foreach (var (href, name) in Sections)
        {
            page.Link(href, name, IsCurrent(http, href) ? "current" : null);
        }

        page.Raw("</nav><div class=\"who\">").Text($"{ConsoleRoles.DisplayName(user)} · {ConsoleRoles.Of(user)}").Raw("</div></header><main>")
            .Element("h1", title)
            .Raw(body.ToString())
            .Raw("</main></body></html>");
        return Results.Content(page.ToString(), "text/html; charset=utf-8");
    }

    private static bool IsCurrent(HttpContext http, string href) =>
        href == "/" ? http.Request.Path == "/" : http.Request.Path.StartsWithSegments(href, StringComparison.Ordinal);
}

using System.Net;

namespace Runner.Auth;

/// <summary>The page the browser shows when it brings the sign-in answer back to Runner.</summary>
internal static class ConsentPages
{
    public static string Success(string username) => Page("Runner: signed in",
        $"<h1>Signed in</h1><p id=\"result\">Runner has the consent of {WebUtility.HtmlEncode(username)}. You can close this window and return to the terminal.</p>");

    public static string Failure(string message) => Page("Runner: sign-in failed",
        $"<h1>Sign-in did not complete</h1><p id=\"result\">{WebUtility.HtmlEncode(message)}</p><p>Return to the terminal for what to do next.</p>");

    private static string Page(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title>" +
        "<style>body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:520px;margin:60px auto;padding:0 20px}</style></head>" +
        $"<body>{body}</body></html>";
}

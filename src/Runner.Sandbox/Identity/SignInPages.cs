using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Runner.Sandbox.Identity;

/// <summary>
/// The HTML of the sandbox's sign-in experience: plain server-rendered forms (no script), so a person can use
/// them in a browser and a test can drive them with an HTTP client by posting each form back.
/// </summary>
internal static class SignInPages
{
    public static Task SignIn(HttpContext http, string action, string flow, string? loginHint, string? error) =>
        Write(http, "Sign in", $"""
            <h1>Sign in</h1>
            <p class="hint">Relecloud sandbox: sign in as the partner admin. The password is {Encode(SandboxCredentials.AdminPassword)}.</p>
            {ErrorBlock(error)}
            <form method="post" action="{Encode(action)}" id="signin">
              <input type="hidden" name="flow" value="{Encode(flow)}">
              <label>Email, phone, or Skype <input type="email" name="login" value="{Encode(loginHint ?? "")}" autocomplete="username"></label>
              <label>Password <input type="password" name="passwd" autocomplete="current-password"></label>
              <button type="submit" name="action" value="signin">Sign in</button>
            </form>
            """);

    public static Task Mfa(HttpContext http, string action, string flow, string username, string? error) =>
        Write(http, "Verify your identity", $"""
            <h1>Enter code</h1>
            <p>{Encode(username)}</p>
            <p class="hint">Enter the code displayed in your authenticator app (secret {SandboxCredentials.TotpSecret}; the sandbox also shows the current code at /_sandbox/mfa).</p>
            {ErrorBlock(error)}
            <form method="post" action="{Encode(action)}" id="mfa">
              <input type="hidden" name="flow" value="{Encode(flow)}">
              <label>Code <input type="text" name="otc" inputmode="numeric" autocomplete="one-time-code" maxlength="8"></label>
              <button type="submit" name="action" value="verify">Verify</button>
            </form>
            """);

    public static Task Consent(HttpContext http, string action, string flow, string username, string appName, IEnumerable<string> permissions)
    {
        var items = string.Concat(permissions.Select(p => $"<li>{Encode(p)}</li>"));
        return Write(http, "Permissions requested", $"""
            <h1>Permissions requested</h1>
            <p>{Encode(username)}</p>
            <p><strong>{Encode(appName)}</strong> would like to:</p>
            <ul>{items}<li>Maintain access to data you have given it access to</li></ul>
            <form method="post" action="{Encode(action)}" id="consent">
              <input type="hidden" name="flow" value="{Encode(flow)}">
              <button type="submit" name="action" value="accept">Accept</button>
              <button type="submit" name="action" value="cancel">Cancel</button>
            </form>
            """);
    }

    /// <summary>An error Entra shows on its own page because it must not redirect (unknown app, unregistered redirect URI).</summary>
    public static Task Error(HttpContext http, string description, int status = 400) =>
        Write(http, "Sign in", $"""
            <h1>Sorry, but we're having trouble signing you in.</h1>
            <p class="error" id="error">{Encode(description)}</p>
            """, status);

    public static Task DeviceCodeEntry(HttpContext http, string? error) =>
        Write(http, "Enter code", $"""
            <h1>Enter code</h1>
            <p>Enter the code displayed on your app or device.</p>
            {ErrorBlock(error)}
            <form method="post" action="/devicelogin" id="devicelogin">
              <label>Code <input type="text" name="otc" autocomplete="off"></label>
              <button type="submit" name="action" value="next">Next</button>
            </form>
            """);

    public static Task DeviceDone(HttpContext http, string appName, bool approved) =>
        Write(http, appName, approved
            ? $"<h1>{Encode(appName)}</h1><p id=\"result\">You have signed in to the {Encode(appName)} application on your device. You may now close this window.</p>"
            : $"<h1>{Encode(appName)}</h1><p id=\"result\">You have declined to sign in to the {Encode(appName)} application on your device. You may now close this window.</p>");

    /// <summary>response_mode=form_post: the browser posts the result to the redirect URI.</summary>
    public static Task FormPost(HttpContext http, string redirectUri, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var inputs = string.Concat(fields.Select(f => $"<input type=\"hidden\" name=\"{Encode(f.Key)}\" value=\"{Encode(f.Value)}\">"));
        return Write(http, "Working...", $"""
            <form method="post" name="hiddenform" action="{Encode(redirectUri)}">{inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form>
            <script>document.forms[0].submit();</script>
            """);
    }

    private static string ErrorBlock(string? error) => error is null ? "" : $"<p class=\"error\" id=\"error\">{Encode(error)}</p>";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static Task Write(HttpContext http, string title, string body, int status = 200)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store, no-cache";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(title))
            .Append(" - Sandbox Entra ID</title><style>body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:440px;margin:60px auto;padding:0 20px}")
            .Append("label{display:block;margin:12px 0}input[type=email],input[type=password],input[type=text]{display:block;width:100%;padding:6px}")
            .Append("button{margin:12px 8px 0 0;padding:6px 18px}.error{color:#a80000}.hint{color:#555;font-size:90%}</style></head><body>")
            .Append(body)
            .Append("</body></html>");
        return http.Response.WriteAsync(html.ToString(), http.RequestAborted);
    }
}

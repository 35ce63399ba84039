using System.Net;
using System.Text.RegularExpressions;
using Runner.Http;
using Runner.Sandbox;
using Runner.Sandbox.Identity;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// Plays a person in a browser on the sandbox's sign-in pages: follows the authorize URL, fills in and posts each
/// form (password, authenticator code, consent), and stops at the redirect to the app. No redirect is followed
/// automatically, so a test sees each step.
/// </summary>
public sealed partial class SandboxBrowser : IDisposable
{
    private readonly SandboxHost _host;
    private readonly CloudHttp _http;
    private readonly HttpClient _client;

    public SandboxBrowser(SandboxHost host)
    {
        _host = host;
        _http = CloudHttp.Create(host.CaCertificatePath);
        _http.Handler.AllowAutoRedirect = false;
        _http.Handler.UseCookies = false;
        _client = _http.CreateClient(TimeSpan.FromSeconds(30));
    }

    public string Password { get; set; } = SandboxCredentials.AdminPassword;

    public string? Username { get; set; }

    /// <summary>A second-factor code to type instead of the right one.</summary>
    public string? MfaCode { get; set; }

    public bool Accept { get; set; } = true;

    /// <summary>Signs in from an authorize URL and returns the last response: the redirect to the app, or a page with an error.</summary>
    public async Task<HttpResponseMessage> SignInAsync(Uri authorizeUrl, CancellationToken cancellationToken = default)
    {
        var response = await _client.GetAsync(authorizeUrl, cancellationToken);
        return await CompleteFormsAsync(response, cancellationToken);
    }

    /// <summary>Enters a device code on the verification page and signs in; returns the final page's text.</summary>
    public async Task<string> ApproveDeviceCodeAsync(Uri verificationUrl, string userCode, CancellationToken cancellationToken = default)
    {
        var page = await _client.GetStringAsync(verificationUrl, cancellationToken);
        var form = Form(page, verificationUrl);
        form.Fields["otc"] = userCode;
        var response = await _client.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields), cancellationToken);
        response = await CompleteFormsAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Follows a redirect to the app's loopback listener, as the browser does, and returns the page it shows.</summary>
    public static async Task<string> DeliverAsync(HttpResponseMessage redirect, CancellationToken cancellationToken = default)
    {
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var response = await plain.GetAsync(redirect.Headers.Location!, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>The query (or fragment) parameters of a redirect.</summary>
    public static Dictionary<string, string> Parameters(Uri location)
    {
        var text = location.Query.Length > 1 ? location.Query[1..] : location.Fragment.TrimStart('#');
        return text.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
    }

    /// <summary>The error shown on a sign-in page, if any.</summary>
    public static string? ErrorOn(string html)
    {
        var match = ErrorPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private async Task<HttpResponseMessage> CompleteFormsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        for (var step = 0; step < 5; step++)
        {
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                return response;
            }

            var html = await response.Content.ReadAsStringAsync(cancellationToken);
            if (ErrorOn(html) is not null || !html.Contains("<form", StringComparison.Ordinal))
            {
                return Replay(response, html);
            }

            var form = Form(html, response.RequestMessage!.RequestUri!);
            switch (form.Id)
            {
                case "signin":
                    form.Fields["login"] = Username ?? _host.AdminUserPrincipalName;
                    form.Fields["passwd"] = Password;
                    form.Fields["action"] = "signin";
                    break;
                case "mfa":
                    form.Fields["otc"] = MfaCode ?? _host.CurrentMfaCode();
                    form.Fields["action"] = "verify";
                    break;
                case "consent":
                    form.Fields["action"] = Accept ? "accept" : "cancel";
                    break;
                default:
                    return Replay(response, html);
            }

            response = await _client.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields), cancellationToken);
        }

        return response;
    }

    private static HttpResponseMessage Replay(HttpResponseMessage response, string html)
    {
        var copy = new HttpResponseMessage(response.StatusCode) { RequestMessage = response.RequestMessage, Content = new StringContent(html) };
        copy.Content.Headers.ContentType = response.Content.Headers.ContentType;
        return copy;
    }

    private static (string Id, Uri Action, Dictionary<string, string> Fields) Form(string html, Uri page)
    {
        var form = FormPattern().Match(html);
        if (!form.Success)
        {
            throw new InvalidOperationException("No form on the page:\n" + html);
        }

        var fields = HiddenPattern().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        return (form.Groups[2].Value, new Uri(page, WebUtility.HtmlDecode(form.Groups[1].Value)), fields);
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\" id=\"([^\"]*)\"")]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex("<p class=\"error\" id=\"error\">([^<]*)</p>")]
    private static partial Regex ErrorPattern();
}

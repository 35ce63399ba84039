using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using Runner.Sandbox.Data;
using Runner.Sandbox.Identity;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Web;

/// <summary>
/// Sign-in with Entra ID, in a real browser, through the built-in sandbox's sign-in pages (password, then the
/// authenticator code): the ASP.NET Core OpenID Connect handler, auth code with PKCE, the id_token's app roles.
/// An operator gets Run now; a viewer does not, and the API refuses a viewer's key; an anonymous request is sent to sign in.
/// </summary>
public sealed partial class SignInTests
{
    [Theory]
    [InlineData("operator", "operators: [\"role:Runner.Operator\"]", true)]
    [InlineData("viewer", "operators: [\"role:Nobody\"]\n    viewers: [\"role:Runner.Operator\"]", false)]
    [InlineData("group", "operators: [\"group:OPERATORS\"]", true)]
    public async Task A_partner_admin_signs_in_through_the_sandbox_and_sees_what_their_role_allows(string name, string roles, bool operate)
    {
        // group:OPERATORS stands for the sandbox partner's "Runner operators" group, sent in the id_token's groups claim.
        roles = roles.Replace("OPERATORS", SandboxSeeder.RunnerOperatorsGroup(42).ToString(), StringComparison.Ordinal);
        using var workspace = new Workspace().WithBuiltInSandbox($$"""
            web:
              listen: "http://127.0.0.1:0"
              signIn: partnerApp
              roles:
                {{roles}}
            jobs:
              hello: { script: jobs/hello.csx }
            """);
        workspace.CopyJob("hello.csx");
        using var web = RunnerProcess.Start(workspace, "web");
        var url = await Eventually.GetAsync(() => Task.FromResult(Address().Match(web.Error) is { Success: true } m
            ? new Uri(m.Groups[1].Value) : web.HasExited ? throw new InvalidOperationException(web.ToString()) : null), TimeSpan.FromSeconds(90), "runner web");

        // Anonymous: sent to the partner tenant's authorize endpoint with PKCE.
        using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            var response = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Matches("/oauth2/v2.0/authorize\\?.*code_challenge_method=S256", response.Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri(url, "/api/v1/jobs/hello/trigger"), null)).StatusCode);
        }

        using var browser = new Browser(trustSandboxCertificates: true);
        browser.Go(url);
        browser.WaitUntil(d => d.FindElements(By.Name("passwd")).Count > 0, TimeSpan.FromSeconds(30), "the sandbox's sign-in page");
        var sandbox = new Uri(browser.Url).GetLeftPart(UriPartial.Authority);
        browser.Find(By.Name("login")).SendKeys($"admin@{SandboxSeeder.PartnerDomain}");
        browser.Find(By.Name("passwd")).SendKeys(SandboxCredentials.AdminPassword);
        browser.Screenshot($"sign-in-{name}");
        browser.Find(By.CssSelector("button[value=signin]")).Click();
        browser.WaitUntil(d => d.FindElements(By.Name("otc")).Count > 0, TimeSpan.FromSeconds(30), "the authenticator code page");
        browser.Find(By.Name("otc")).SendKeys(await MfaCodeAsync(sandbox));
        browser.Find(By.CssSelector("button[value=verify]")).Click();
        // The first sign-in asks for consent to the sign-in permissions; later ones go straight back to the console.
        browser.WaitUntil(d => d.FindElements(By.CssSelector("button[value=accept]")).Count > 0 || d.Url.StartsWith(url.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the consent page or the console");
        if (browser.FindAll(By.CssSelector("button[value=accept]")).Count > 0)
        {
            browser.Screenshot($"consent-{name}");
            browser.Find(By.CssSelector("button[value=accept]")).Click();
        }

        try
        {
            browser.WaitUntil(d => d.Url.StartsWith(url.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && d.FindElement(By.TagName("h1")).Text == "Overview",
                TimeSpan.FromSeconds(30), "the console after sign-in");
        }
        catch (WebDriverTimeoutException e)
        {
            throw new InvalidOperationException($"{e.Message} The browser is at {browser.Url}, showing: {browser.Find(By.TagName("body")).Text}\nrunner web said:\n{web.Error}", e);
        }
        Assert.Contains($"admin@{SandboxSeeder.PartnerDomain} · {(operate ? "Operator" : "Viewer")}", browser.Find(By.CssSelector("header .who")).Text);
        browser.Go(new Uri(url, "/jobs"));
        browser.WaitUntil(d => d.FindElement(By.TagName("h1")).Text == "Jobs", TimeSpan.FromSeconds(30), "the jobs page");
        browser.Screenshot($"jobs-{name}");
        Assert.Equal(operate, browser.FindAll(By.CssSelector("form.run-now button")).Count > 0);

        web.Interrupt();
        await web.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<string> MfaCodeAsync(string sandbox)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var mfa = JsonNode.Parse(await http.GetStringAsync($"{sandbox}/_sandbox/mfa"))!;
        if ((int)mfa["validForSeconds"]! < 5)
        {
            // A code about to roll over would be stale by the time the form is posted: take the next one.
            await Task.Delay(TimeSpan.FromSeconds((int)mfa["validForSeconds"]! + 1));
            mfa = JsonNode.Parse(await http.GetStringAsync($"{sandbox}/_sandbox/mfa"))!;
        }

        return (string)mfa["code"]!;
    }

    [GeneratedRegex(@"Runner console on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Address();
}

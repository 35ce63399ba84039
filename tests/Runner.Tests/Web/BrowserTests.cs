using System.Net.Http;
using OpenQA.Selenium;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Web;

/// <summary>
/// The console in a real browser, served by `runner host` (web: in runner.yaml) as an operator runs it: run a job
/// with a parameter from the Jobs page, watch it to the end, read a tenant's log, download the CSV. Every page's
/// screenshot is kept in the test output (screenshots/) for docs/console.md.
/// </summary>
public sealed class BrowserTests : IDisposable
{
    private readonly Workspace _workspace = new Workspace().WithBuiltInSandbox("""
        scheduler: { warmWorkers: 0 }
        web: { listen: "http://127.0.0.1:0" }
        jobs:
          hello: { script: jobs/hello.csx, schedule: "0 0 6 * * ?" }
        """);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task An_operator_runs_hello_with_a_parameter_watches_it_finish_reads_a_log_and_downloads_the_csv()
    {
        _workspace.CopyJob("hello.csx");
        using var host = RunnerProcess.Start(_workspace, "host");
        var url = await Eventually.GetAsync(() => Task.FromResult(System.Text.RegularExpressions.Regex.Match(host.Error, @"Runner console on (http://127\.0\.0\.1:\d+)") is { Success: true } m
            ? new Uri(m.Groups[1].Value) : host.HasExited ? throw new InvalidOperationException(host.ToString()) : null), TimeSpan.FromSeconds(90), "the host's console");
        using var browser = new Browser();

        browser.Go(url);
        browser.WaitUntil(d => d.FindElement(By.TagName("h1")).Text == "Overview", TimeSpan.FromSeconds(30), "the overview");
        browser.Screenshot("overview");
        browser.Go(new Uri(url, "/jobs"));
        browser.Find(By.CssSelector("tr#hello textarea[name=params]")).SendKeys("note=from the browser");
        browser.Find(By.CssSelector("tr#hello input[name=tenants]")).SendKeys("contoso.onmicrosoft.com, Adventure Works");
        browser.Screenshot("jobs");
        browser.Find(By.CssSelector("tr#hello form.run-now button")).Click();

        browser.WaitUntil(d => d.Url.Contains("/runs/", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the run page");
        browser.WaitUntil(d => d.FindElement(By.CssSelector("dl.run .status")).Text == "Succeeded", TimeSpan.FromSeconds(120), "the run to succeed");
        Assert.Contains("Triggered by", browser.PageSource);
        Assert.Contains("note=from the browser", browser.PageSource);
        var rows = browser.FindAll(By.CssSelector("table.tenants tbody tr"));
        Assert.Equal(["adventureworks.onmicrosoft.com", "contoso.onmicrosoft.com"], rows.Select(r => r.FindElement(By.TagName("td")).Text).Order(StringComparer.Ordinal));
        var firstLog = browser.Find(By.CssSelector("table.tenants details summary"));
        firstLog.Click();
        browser.WaitUntil(d => d.FindElement(By.CssSelector("table.tenants details[open] pre.log")).Displayed, TimeSpan.FromSeconds(10), "a tenant's log");
        browser.Screenshot("run");
        var csvLink = browser.Find(By.LinkText("Download CSV")).GetAttribute("href")!;
        using var http = new HttpClient();
        var csv = await http.GetStringAsync(csvLink);
        Assert.Equal(3, csv.TrimEnd().Split('\n').Length);

        // The credential page's rotation history is the keep-alive job's runs.
        var keepAlive = await Scripting.RunnerProcess.RunAsync(_workspace, null, "trigger", "keep-alive", "--wait");
        Assert.True(keepAlive.ExitCode == 0, keepAlive.ToString());
        browser.Go(new Uri(url, "/credential"));
        browser.WaitUntil(d => d.FindElement(By.TagName("h1")).Text == "Credential", TimeSpan.FromSeconds(30), "the credential page");
        Assert.Contains("Rotation history", browser.PageSource);
        Assert.Contains("Succeeded", browser.Find(By.XPath("//h2[text()='Rotation history']/following-sibling::table[1]")).Text);

        foreach (var page in new[] { "runs", "tenants", "credential" })
        {
            browser.Go(new Uri(url, "/" + page));
            browser.WaitUntil(d => d.FindElement(By.TagName("h1")).Displayed, TimeSpan.FromSeconds(30), page);
            browser.Screenshot(page);
        }

        host.Interrupt();
        await host.WaitAsync(TimeSpan.FromSeconds(60));
    }
}

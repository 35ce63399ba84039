using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Web;

/// <summary>
/// Headless Chromium (Debian's `chromium` and `chromium-driver` packages; browser builds cannot be downloaded here)
/// driven by Selenium, with a screenshot of each page kept in the test output's screenshots/ folder.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly TempFolder _profile = new("runner-chromium");
    private readonly ChromeDriver _driver;

    /// <param name="trustSandboxCertificates">
    /// Test-only: accept the sandbox's own CA (its sign-in pages are HTTPS with a certificate only Runner trusts).
    /// </param>
    public Browser(bool trustSandboxCertificates = false)
    {
        var binary = ProgramRun.Find("chromium") ?? ProgramRun.Find("chromium-browser")
            ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium chromium-driver");
        var driver = ProgramRun.Find("chromedriver") ?? throw new InvalidOperationException("chromedriver is not installed: apt-get install -y chromium-driver");
        var options = new ChromeOptions { BinaryLocation = binary };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", $"--user-data-dir={_profile.Path}", "--no-first-run");
        if (trustSandboxCertificates)
        {
            options.AddArgument("--ignore-certificate-errors");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string Url => _driver.Url;

    public string PageSource => _driver.PageSource;

    public void Go(Uri url) => _driver.Navigate().GoToUrl(url);

    public IWebElement Find(By by) => _driver.FindElement(by);

    public IReadOnlyCollection<IWebElement> FindAll(By by) => _driver.FindElements(by);

    /// <summary>Waits until <paramref name="condition"/> holds (page reloads and live updates included).</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, TimeSpan timeout, string what)
    {
        var wait = new WebDriverWait(_driver, timeout) { Message = $"Waited {timeout.TotalSeconds:0} s for {what}." };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        wait.Until(condition);
    }

    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
        _profile.Dispose();
    }

}

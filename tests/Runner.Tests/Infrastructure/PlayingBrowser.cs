using Runner.Auth;
using Runner.Sandbox;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// An <see cref="IBrowserLauncher"/> for `runner consent` that does what a person would: opens the URL, signs in
/// on the sandbox's pages, and follows the redirect back to Runner's loopback listener — in the background, as a
/// real browser runs beside the waiting command.
/// </summary>
public sealed class PlayingBrowser(SandboxHost host) : IBrowserLauncher, IDisposable
{
    private readonly SandboxBrowser _browser = new(host);
    private Task<string>? _session;

    /// <summary>Set before the consent to play a person who declines, mistypes, and so on.</summary>
    public SandboxBrowser Browser => _browser;

    /// <summary>The URL Runner asked to open.</summary>
    public Uri? Opened { get; private set; }

    /// <summary>The page the browser ended on: Runner's result page, or the sign-in error page.</summary>
    public Task<string> Page => _session ?? Task.FromResult("(the browser was never opened)");

    public Task<bool> OpenAsync(Uri url, CancellationToken cancellationToken)
    {
        Opened = url;
        _session = Task.Run(async () =>
        {
            var response = await _browser.SignInAsync(url);
            return response.Headers.Location is not null
                ? await SandboxBrowser.DeliverAsync(response)
                : await response.Content.ReadAsStringAsync();
        });
        return Task.FromResult(true);
    }

    public void Dispose() => _browser.Dispose();
}

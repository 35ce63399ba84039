using System.Collections;
using System.ComponentModel;
using System.Diagnostics;

namespace Runner.Auth;

/// <summary>Opens a URL for the person at the keyboard. Tests play the browser with their own implementation.</summary>
internal interface IBrowserLauncher
{
    /// <summary>Returns false when there is no browser to open (a server, an SSH session); the caller then prints the URL.</summary>
    Task<bool> OpenAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>
/// The system browser: xdg-open on Linux (only with a desktop session: DISPLAY or WAYLAND_DISPLAY), open on macOS,
/// the shell on Windows. The URL goes as one argument without a shell, and holds no secret (PKCE sends only
/// the challenge).
/// </summary>
internal sealed class SystemBrowser(IDictionary environment) : IBrowserLauncher
{
    public Task<bool> OpenAsync(Uri url, CancellationToken cancellationToken)
    {
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true };
        }
        else if (OperatingSystem.IsMacOS())
        {
            start = new ProcessStartInfo("open") { ArgumentList = { url.AbsoluteUri } };
        }
        else
        {
            if (environment["DISPLAY"] is not string { Length: > 0 } && environment["WAYLAND_DISPLAY"] is not string { Length: > 0 })
            {
                return Task.FromResult(false);
            }

            start = new ProcessStartInfo("xdg-open") { ArgumentList = { url.AbsoluteUri } };
        }

        if (!start.UseShellExecute)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
        }

        try
        {
            using var process = Process.Start(start);
            return Task.FromResult(process is not null);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return Task.FromResult(false);
        }
    }
}

/// <summary>Never opens anything: `runner consent --no-browser` prints the URL for another machine's browser.</summary>
internal sealed class NoBrowser : IBrowserLauncher
{
    public static readonly NoBrowser Instance = new();

    public Task<bool> OpenAsync(Uri url, CancellationToken cancellationToken) => Task.FromResult(false);
}

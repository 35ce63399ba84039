using System.Diagnostics;
using System.Globalization;

namespace Runner.Web;

/// <summary>
/// Every answer says how long the server took to produce it (`Server-Timing: app;dur=MS`, shown by browsers'
/// developer tools): pages are rendered whole before their headers go out, so this is their full server time.
/// </summary>
internal static class ServerTiming
{
    public static Task Apply(HttpContext http, Func<Task> next)
    {
        var started = Stopwatch.GetTimestamp();
        http.Response.OnStarting(() =>
        {
            http.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0}");
            return Task.CompletedTask;
        });
        return next();
    }
}

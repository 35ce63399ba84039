using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Runner.Cli.Rendering;
using Runner.Configuration;

namespace Runner.Cli.Composition;

/// <summary>--listen checked as runner.yaml's web.listen is, and the addresses Kestrel actually bound (port 0 picks one).</summary>
internal static class WebListen
{
    public static Uri Parse(string text, bool signInConfigured)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            throw new UsageException($"--listen expects an address such as http://127.0.0.1:8080, found '{text}'.");
        }

        if (!signInConfigured && !WebSection.IsLoopback(uri))
        {
            throw new UsageException($"--listen {text}: without web.signIn in runner.yaml the console listens on this machine only (127.0.0.1, ::1 or localhost).");
        }

        return uri;
    }

    public static string Addresses(WebApplication app) =>
        string.Join(", ", app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
}

using System.Collections.Concurrent;

namespace Runner.Web;

/// <summary>The console's stylesheet and script, embedded in the assembly and served from here: no CDN, no build step.</summary>
internal static class Assets
{
    private static readonly ConcurrentDictionary<string, byte[]?> Cache = new(StringComparer.Ordinal);

    public static IResult Serve(string name)
    {
        var bytes = Cache.GetOrAdd(name, static n =>
        {
            using var stream = typeof(Assets).Assembly.GetManifestResourceStream($"Runner.Web.Assets.{n}");
            if (stream is null)
            {
                return null;
            }

            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        });
        if (bytes is null)
        {
            return Results.NotFound();
        }

        var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        return Results.Bytes(bytes, type);
    }
}

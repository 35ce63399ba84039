namespace Runner.Sandbox.Identity;

/// <summary>
/// Entra's redirect URI matching: exact and case-sensitive on the path, except that for http(s)://localhost and
/// http(s)://127.0.0.1 the port is ignored (RFC 8252 loopback rule). The hosts do not match each other, and the
/// IPv6 loopback [::1] is not supported. A registration without a path matches "/" and vice versa.
/// </summary>
internal static class RedirectUris
{
    public static bool IsRegistered(IEnumerable<string> registered, string requested)
    {
        if (!Uri.TryCreate(requested, UriKind.Absolute, out var asked) || asked.Fragment.Length > 0)
        {
            return false;
        }

        foreach (var entry in registered)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var known))
            {
                continue;
            }

            if (string.Equals(entry, requested, StringComparison.Ordinal))
            {
                return true;
            }

            var loopback = known.Host is "localhost" or "127.0.0.1";
            if (!loopback || !string.Equals(known.Scheme, asked.Scheme, StringComparison.OrdinalIgnoreCase) ||
                !string.Equals(known.Host, asked.Host, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(Path(known), Path(asked), StringComparison.Ordinal) && known.Query == asked.Query)
            {
                return true;
            }
        }

        return false;
    }

    private static string Path(Uri uri) => uri.AbsolutePath == "/" ? "" : uri.AbsolutePath;
}

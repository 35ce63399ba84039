namespace Runner.Benchmarks.Harness;

/// <summary>
/// A PEM bundle of the system's CAs plus one more (the sandbox's), for a process started with SSL_CERT_FILE naming it:
/// .NET on Linux (and so PowerShell) takes its trusted roots from there, so that process, and only it, trusts the
/// sandbox with certificate validation left on, and still trusts everything it trusted before.
/// </summary>
internal static class CaBundle
{
    /// <summary>Where Debian/Ubuntu, Fedora/RHEL, and Alpine/macOS keep theirs.</summary>
    private static readonly string[] SystemBundles =
        ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

    /// <summary>Writes the bundle to <paramref name="path"/>; returns the system bundle used, or null if none was found (then it holds the extra CA alone).</summary>
    public static string? Write(string path, string extraCaFile)
    {
        var system = SystemBundles.FirstOrDefault(File.Exists);
        var pem = (system is null ? "" : File.ReadAllText(system).TrimEnd() + "\n") + File.ReadAllText(extraCaFile).TrimEnd() + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, pem);
        return system;
    }
}

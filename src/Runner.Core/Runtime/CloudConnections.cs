using Runner.Clouds;
using Runner.Configuration;

namespace Runner.Runtime;

/// <summary>The connection for a configured cloud other than the in-process sandbox.</summary>
internal static class CloudConnections
{
    public static CloudConnection For(RunnerConfig config)
    {
        var cloud = config.Cloud;
        if (cloud.Kind == CloudKind.Custom)
        {
            var endpoints = cloud.Endpoints!;
            var caFile = endpoints.CaFile is null ? null : config.Resolve(endpoints.CaFile);
            if (caFile is not null && !File.Exists(caFile))
            {
                throw new ConfigException(config.FilePath, 0, 0, "endpoints.caFile", $"the CA file {caFile} does not exist");
            }

            if (caFile is not null)
            {
                try
                {
                    using var _ = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(caFile);
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
                {
                    throw new ConfigException(config.FilePath, 0, 0, "endpoints.caFile", $"the CA file {caFile} is not a readable certificate (PEM or DER): {e.Message.TrimEnd('.')}");
                }
            }

            return new CloudConnection(KnownClouds.Custom(endpoints), caFile, null, $"custom:{endpoints.PartnerCenter}:{config.Partner.Tenant}");
        }

        var known = KnownClouds.For(cloud.Kind);
        return new CloudConnection(known, null, null, $"{known.Name}:{config.Partner.Tenant}");
    }
}

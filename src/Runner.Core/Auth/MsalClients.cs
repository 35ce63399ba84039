using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using Runner.Clouds;
using Runner.Http;

namespace Runner.Auth;

/// <summary>MSAL clients for the partner application, on the shared HTTP stack, with the cloud's authority.</summary>
internal static class MsalClients
{
    public static ConfidentialClientApplicationBuilder Confidential(PartnerApplication application, CloudEndpoints cloud, CloudHttp http, ILogger log)
    {
        var builder = ConfidentialClientApplicationBuilder.Create(application.ClientId)
            .WithHttpClientFactory(new MsalHttpClientFactory(http))
            .WithLegacyCacheCompatibility(false);
        builder = WithLogging(builder, log);
        builder = cloud.IsLocal
            ? builder.WithAuthority(cloud.Authority(application.Tenant), validateAuthority: false).WithInstanceDiscovery(false)
            : builder.WithAuthority(cloud.Authority(application.Tenant));
        return application.Certificate is not null
            ? builder.WithCertificate(application.Certificate, sendX5C: true)
            : builder.WithClientSecret(application.ClientSecret ?? throw new ArgumentException("The partner application needs a client secret or a certificate."));
    }

    /// <summary>The device code flow exists only on public clients; the app registration must allow public client flows.</summary>
    public static PublicClientApplicationBuilder Public(PartnerApplication application, CloudEndpoints cloud, CloudHttp http, ILogger log)
    {
        var builder = PublicClientApplicationBuilder.Create(application.ClientId)
            .WithHttpClientFactory(new MsalHttpClientFactory(http))
            .WithLegacyCacheCompatibility(false);
        builder = WithLogging(builder, log);
        return cloud.IsLocal
            ? builder.WithAuthority(cloud.Authority(application.Tenant), validateAuthority: false).WithInstanceDiscovery(false)
            : builder.WithAuthority(cloud.Authority(application.Tenant));
    }

    private static T WithLogging<T>(T builder, ILogger log) where T : BaseAbstractApplicationBuilder<T>
    {
        if (!log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Trace))
        {
            return builder;
        }

        return builder.WithLogging((level, message, _) => log.LogTrace("MSAL {Level}: {Message}", level, message),
            Microsoft.Identity.Client.LogLevel.Verbose, enablePiiLogging: false, enableDefaultPlatformLogging: false);
    }
}

using System.Net;

namespace Runner.Configuration;

/// <summary>Reads runner.yaml's `web:` section.</summary>
internal static class WebSection
{
    public static WebSettings Read(ConfigNode? node)
    {
        if (node is null)
        {
            return WebSettings.Default;
        }

        var map = node.Map("listen", "publicUrl", "signIn", "roles");
        var listen = map["listen"]?.AbsoluteUri() ?? WebSettings.DefaultListen;
        if (listen.Scheme is not ("http" or "https") || listen.AbsolutePath != "/")
        {
            throw map["listen"]!.Error("expected an address such as http://127.0.0.1:8080 (scheme, host and port, no path)");
        }

        WebSignIn? signIn = null;
        if (map["signIn"] is { IsScalar: true } partnerApp)
        {
            signIn = partnerApp.String() == "partnerApp"
                ? WebSignIn.PartnerApp
                : throw partnerApp.Error("expected partnerApp (sign in with the partner application) or a map with clientId and clientSecret");
        }
        else if (map["signIn"] is { } signInNode)
        {
            var sign = signInNode.Map("clientId", "clientSecret");
            var secret = sign.Required("clientSecret");
            if (!SecretReferenceSyntax.IsReference(secret.String()))
            {
                throw secret.Error("secrets are never written into runner.yaml: use secret:NAME (the secret store) or env:NAME (an environment variable)");
            }

            signIn = new WebSignIn(sign.Required("clientId").String(), secret.String());
        }

        if (signIn is null && !IsLoopback(listen))
        {
            throw (map["listen"] ?? node).Error(
                $"without signIn the console listens on this machine only (127.0.0.1, ::1 or localhost), found {listen.Host}; add web.signIn (an Entra app registration) to serve other machines");
        }

        var roles = map["roles"]?.Map("operators", "viewers");
        return new WebSettings(
            true,
            listen,
            map["publicUrl"]?.AbsoluteUri() ?? listen,
            signIn,
            roles?["operators"]?.Strings() ?? WebSettings.Default.Operators,
            roles?["viewers"]?.Strings() ?? WebSettings.Default.Viewers);
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

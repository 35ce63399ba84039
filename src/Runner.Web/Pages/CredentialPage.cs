using Runner.Web.Data;

namespace Runner.Web.Pages;

/// <summary>`runner auth status` as a page, and how to re-consent. Never the token itself.</summary>
internal static class CredentialPage
{
    public static async Task<IResult> Render(HttpContext http, ConsoleSources sources, CancellationToken cancellation)
    {
        var status = await sources.Credential(cancellation);
        var body = new Html();
        body.Raw("<dl>")
            .Element("dt", "Health").Raw("<dd>").Element("span", status.Health.ToString(), $"status {status.Health.ToString().ToLowerInvariant()}").Raw("</dd>")
            .Element("dt", "Consented by").Element("dd", status.Username ?? "—")
            .Element("dt", "Consented").Element("dd", Html.Time(status.ConsentedAt))
            .Element("dt", "Last redeemed").Element("dd", Html.Time(status.LastRedeemedAt))
            .Element("dt", "Last rotated and stored").Element("dd", Html.Time(status.LastWrittenBackAt))
            .Element("dt", "Stored token issued").Element("dd", Html.Time(status.StoredTokenIssuedAt))
            .Element("dt", "Expires without use").Element("dd", Html.Time(status.ExpiresAt))
            .Element("dt", "Days left").Element("dd", status.DaysLeft?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—")
            .Element("dt", "Store").Element("dd", status.Store);
        if (status.LastWriteBackError is { } writeBack)
        {
            body.Element("dt", "Last write-back failure").Element("dd", $"{Html.Time(status.LastWriteBackFailedAt)}: {writeBack}");
        }

        if (status.StoreError is { } storeError)
        {
            body.Element("dt", "Store problem").Element("dd", storeError);
        }

        body.Raw("</dl>").Element("h2", "Re-consent")
            .Element("p", "Every run and `runner auth refresh` rotates the refresh token and restarts the 90 days. If it has expired or was revoked, a partner admin with MFA runs `runner consent` (or `runner consent --device-code` on a server without a browser) once; the new token is stored in the secret store and every node uses it.");
        return Layout.Page(http, "Credential", body);
    }
}

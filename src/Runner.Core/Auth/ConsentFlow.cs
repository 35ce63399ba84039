using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using Runner.Clouds;
using Runner.Configuration;
using Runner.Http;
using Runner.Redaction;

namespace Runner.Auth;

/// <summary>What the person sees of a device code sign-in: where to go and what to type.</summary>
/// <param name="Message">Entra's own instruction text (URL and code).</param>
internal sealed record DeviceCodePrompt(string VerificationUrl, string UserCode, string Message, DateTimeOffset ExpiresOn);

/// <summary>The outcome of a consent: who signed in, and where the refresh token now lives.</summary>
internal sealed record ConsentResult(string Username, string TenantId, DateTimeOffset ConsentedAt, string Store, CredentialMetadata Metadata);

/// <summary>
/// Step 1 of the Secure Application Model: a partner admin signs in once, interactively and with MFA, and the
/// resulting refresh token is stored (secret store) with the MSAL cache (local token cache). Either the
/// authorization code flow with PKCE through the system browser and a loopback redirect, or the device code flow.
/// </summary>
internal sealed partial class ConsentFlow(
    PartnerApplication application,
    CloudEndpoints cloud,
    CloudHttp http,
    CredentialStore credentials,
    AuthSettings settings,
    SecretRedactor redactor,
    TimeProvider time,
    ILogger log)
{
    private string[] Scopes => [cloud.PartnerCenterScope];

    /// <summary>
    /// The authorization code flow with PKCE: listens on the first free loopback port in 8400–8999, opens the
    /// browser (or asks the person to open the URL), waits up to auth.consentTimeout for the redirect, redeems the
    /// code and stores the credential. <paramref name="say"/> receives the lines to show the person.
    /// </summary>
    public async Task<ConsentResult> RunInBrowserAsync(IBrowserLauncher browser, Action<string> say, CancellationToken cancellationToken)
    {
        using var listener = LoopbackListener.Start();
        var redirect = listener.RedirectUri;
        byte[]? cache = null;
        var app = MsalClients.Confidential(application, cloud, http, log).WithRedirectUri(redirect.AbsoluteUri.TrimEnd('/')).Build();
        app.UserTokenCache.SetAfterAccess(args => cache = args.HasStateChanged ? args.TokenCache.SerializeMsalV3() : cache);
        var url = await app.GetAuthorizationRequestUrl(Scopes).WithPkce(out var verifier).ExecuteAsync(cancellationToken);
        await PreflightAsync(url, redirect, cancellationToken);

        var opened = await browser.OpenAsync(url, cancellationToken);
        say(opened
            ? $"Opened the sign-in page in your browser. If it did not appear, open this address:\n{url}"
            : $"Open this address in a browser on this machine and sign in as a partner admin (with MFA):\n{url}");
        say($"Waiting up to {Describe(settings.ConsentTimeout)} for the sign-in to come back to {redirect} ...");

        using var timeout = new CancellationTokenSource(settings.ConsentTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        LoopbackRequest answer;
        try
        {
            answer = await listener.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TokenAcquisitionException(AuthProblem.ConsentNotCompleted, application.Tenant,
                $"No sign-in came back within {Describe(settings.ConsentTimeout)} (auth.consentTimeout). Run `runner consent` again and finish the sign-in in the browser, " +
                $"or run `runner consent --device-code` where the browser cannot reach this machine's {redirect}.", null, needsOperator: true);
        }

        using (answer)
        {
            if (answer.Query.TryGetValue("error", out var error))
            {
                var description = answer.Query.GetValueOrDefault("error_description") ?? error;
                var failure = Refusal(error, description, redirect);
                await answer.RespondAsync(200, ConsentPages.Failure(failure.Message), cancellationToken);
                throw failure;
            }

            AuthenticationResult result;
            try
            {
                result = await app.AcquireTokenByAuthorizationCode(Scopes, answer.Query["code"]).WithPkceCodeVerifier(verifier).ExecuteAsync(cancellationToken);
            }
            catch (MsalException e)
            {
                var failure = Translate(e, redirect);
                await answer.RespondAsync(200, ConsentPages.Failure(failure.Message), cancellationToken);
                throw failure;
            }

            var stored = await StoreAsync(result, cache, cancellationToken);
            await answer.RespondAsync(200, ConsentPages.Success(stored.Username), cancellationToken);
            return stored;
        }
    }

    /// <summary>The device code flow: <paramref name="show"/> tells the person where to go and which code to enter.</summary>
    public async Task<ConsentResult> RunWithDeviceCodeAsync(Func<DeviceCodePrompt, Task> show, CancellationToken cancellationToken)
    {
        byte[]? cache = null;
        var app = MsalClients.Public(application, cloud, http, log).Build();
        app.UserTokenCache.SetAfterAccess(args => cache = args.HasStateChanged ? args.TokenCache.SerializeMsalV3() : cache);
        using var timeout = new CancellationTokenSource(settings.ConsentTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await app.AcquireTokenWithDeviceCode(Scopes, code => show(new DeviceCodePrompt(code.VerificationUrl, code.UserCode, code.Message, code.ExpiresOn)))
                .ExecuteAsync(linked.Token);
            return await StoreAsync(result, cache, cancellationToken, publicClient: true);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TokenAcquisitionException(AuthProblem.ConsentNotCompleted, application.Tenant,
                $"The code was not entered within {Describe(settings.ConsentTimeout)} (auth.consentTimeout). Run `runner consent --device-code` again.", null, needsOperator: true);
        }
        catch (MsalException e)
        {
            throw Translate(e, null);
        }
    }

    /// <param name="publicClient">The device code flow is a public client flow: its refresh token can only be redeemed
    /// as a public client, so the credential records it.</param>
    private async Task<ConsentResult> StoreAsync(AuthenticationResult result, byte[]? cache, CancellationToken cancellationToken, bool publicClient = false)
    {
        redactor.Add(result.AccessToken);
        var account = result.Account;
        var refreshToken = cache is null ? null : RefreshTokenReader.Read(cache, account.HomeAccountId.Identifier);
        if (refreshToken is null)
        {
            throw new TokenAcquisitionException(AuthProblem.ConsentNotCompleted, application.Tenant,
                "Entra signed the admin in but returned no refresh token. Check that the app registration may request offline_access, then run `runner consent` again.", null, needsOperator: true);
        }

        var now = time.GetUtcNow();
        var metadata = new CredentialMetadata(account.HomeAccountId.Identifier, account.Username, account.HomeAccountId.TenantId, now, now, null, null, PublicClient: publicClient);
        metadata = await credentials.SaveConsentAsync(metadata, cache!, refreshToken, cancellationToken);
        log.LogInformation("Consent by {User} stored in the {Store}", account.Username, credentials.StoreDescription);
        return new ConsentResult(account.Username, account.HomeAccountId.TenantId, now, credentials.StoreDescription, metadata);
    }

    /// <summary>
    /// Asks the authorize endpoint before sending the person there: Entra shows an unregistered redirect URI or an
    /// unknown app on its own page instead of redirecting, so Runner would otherwise only ever see a timeout.
    /// </summary>
    private async Task PreflightAsync(Uri url, Uri redirect, CancellationToken cancellationToken)
    {
        string page;
        try
        {
            using var client = http.CreateClient(TimeSpan.FromSeconds(20));
            using var response = await client.GetAsync(url, cancellationToken);
            page = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.LogDebug("Could not check the sign-in page first: {Reason}", e.Message);
            return;
        }

        var match = PageError().Match(page);
        if (match.Success)
        {
            throw Refusal("invalid_request", System.Net.WebUtility.HtmlDecode(match.Value), redirect);
        }
    }

    private TokenAcquisitionException Refusal(string error, string description, Uri? redirect)
    {
        var code = AadstsCode().Match(description) is { Success: true } m ? m.Groups[1].Value : null;
        if (code == "50011" && redirect is not null)
        {
            return new TokenAcquisitionException(AuthProblem.ApplicationMisconfigured, application.Tenant, RedirectUriFix(redirect), "AADSTS50011", needsOperator: true);
        }

        if (code is "65004" || error == "access_denied")
        {
            return new TokenAcquisitionException(AuthProblem.ConsentNotCompleted, application.Tenant,
                "The sign-in was cancelled or consent was declined, so nothing was stored. Run `runner consent` again and choose Accept.", code is null ? null : "AADSTS" + code, needsOperator: true);
        }

        return AuthErrorTranslator.Translate(new MsalServiceException(error, description), application.Tenant, isPartnerTenant: true);
    }

    private TokenAcquisitionException Translate(MsalException error, Uri? redirect) =>
        error is MsalServiceException service && AadstsCode().Match(service.Message) is { Success: true } m && m.Groups[1].Value is "50011" or "500112" && redirect is not null
            ? new TokenAcquisitionException(AuthProblem.ApplicationMisconfigured, application.Tenant, RedirectUriFix(redirect), "AADSTS50011", needsOperator: true, error)
            : AuthErrorTranslator.Translate(error, application.Tenant, isPartnerTenant: true);

    private string RedirectUriFix(Uri redirect) =>
        $"Entra refused the redirect URI {redirect} (AADSTS50011): the app registration {application.ClientId} does not list it. " +
        "In Microsoft Entra admin center > App registrations > the app > Authentication, add a Web platform redirect URI " +
        $"exactly `http://localhost` (Entra ignores the port of localhost redirect URIs, so this one entry covers {LoopbackListener.FirstPort}-{LoopbackListener.LastPort}), " +
        "then run `runner consent` again.";

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} minute{(span.TotalMinutes == 1 ? "" : "s")}" : $"{span.TotalSeconds:0} seconds";

    [GeneratedRegex(@"AADSTS(50011|700016|90002|50194|7000215|700027):[^<""\r\n]*")]
    private static partial Regex PageError();

    [GeneratedRegex(@"AADSTS(\d{4,8})")]
    private static partial Regex AadstsCode();
}

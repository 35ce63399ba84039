using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Runner.Configuration;

namespace Runner.Notifications;

/// <summary>Sends one message to one channel: a webhook POST or an e-mail over SMTP (MailKit). Throws when it was not accepted.</summary>
internal sealed class NotificationDelivery(HttpClient http, Func<string, string, CancellationToken, ValueTask<string>> resolveSecret)
{
    public async Task SendAsync(NotifyChannel channel, NotificationMessage message, CancellationToken cancellationToken)
    {
        switch (channel)
        {
            case WebhookChannel webhook:
                var url = SecretReferenceSyntax.IsReference(webhook.Url) ? await resolveSecret(webhook.Url, $"notify.channels.{webhook.Name}.url", cancellationToken) : webhook.Url;
                var body = webhook.Format switch
                {
                    "teams" => NotificationFormats.Teams(message),
                    "slack" => NotificationFormats.Slack(message),
                    _ => NotificationFormats.Json(message),
                };
                using (var response = await http.PostAsJsonAsync(url, body, cancellationToken))
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        // The URL may carry a signature: never in the error.
                        throw new HttpRequestException($"the webhook answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
                    }
                }

                break;
            case EmailChannel email:
                await SendMailAsync(email, message, cancellationToken);
                break;
        }
    }

    private async Task SendMailAsync(EmailChannel email, NotificationMessage message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(email.From));
        foreach (var to in email.To)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        mail.Subject = NotificationFormats.Subject(message);
        mail.Body = new TextPart("plain") { Text = NotificationFormats.Text(message) };
        using var smtp = new SmtpClient();
        using var extraRoot = email.CaFile is { } caFile ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(caFile) : null;
        if (extraRoot is not null)
        {
            smtp.ServerCertificateValidationCallback = (_, certificate, chain, errors) => Http.ExtraRootTrust.Validate(extraRoot, certificate, chain, errors);
        }

        var security = email.Security switch
        {
            "ssl" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await smtp.ConnectAsync(email.Host, email.Port, security, cancellationToken);
        if (email.Username is { } user && email.Password is { } reference)
        {
            await smtp.AuthenticateAsync(user, await resolveSecret(reference, $"notify.channels.{email.Name}.password", cancellationToken), cancellationToken);
        }

        await smtp.SendAsync(mail, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }
}

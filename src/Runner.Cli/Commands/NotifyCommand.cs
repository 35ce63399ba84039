using System.CommandLine;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;
using Runner.Configuration;
using Runner.Notifications;

namespace Runner.Cli.Commands;

/// <summary>runner notify test CHANNEL: sends a test message to a channel from runner.yaml's notify.channels, now.</summary>
internal static class NotifyCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("channel") { Description = "A channel under notify.channels in runner.yaml." };
        var test = new Command("test", CommandHelp.With("Send a test message to a notification channel, to check its address and credentials.", "runner notify test ops-teams")) { name };
        test.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                var channelName = parse.GetValue(name)!;
                if (!config.Notify.Channels.TryGetValue(channelName, out var channel))
                {
                    var known = config.Notify.Channels.Keys.ToList();
                    throw new UsageException($"'{channelName}' is not a channel under notify.channels in {config.FilePath}." +
                        (Suggest.Nearest(channelName, known) is { } near ? $" Did you mean '{near}'?" : known.Count > 0 ? $" Channels: {string.Join(", ", known)}." : " It has none yet."));
                }

                var resolver = new Runner.Secrets.SecretResolver(context.OpenSecretStore(config), console.Environment);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var now = context.Services.Time.GetUtcNow();
                var message = new NotificationMessage($"test:{Guid.NewGuid():N}", "test", $"Test message from Runner to {channelName}", "(test)", null, "Test",
                    new Dictionary<string, int>(), [], 0, ["If you can read this, the channel works."], null, now);
                try
                {
                    await new NotificationDelivery(http, async (reference, key, c) =>
                    {
                        var secret = await resolver.ResolveAsync(reference, key, c);
                        context.Redactor.Add(secret);
                        return secret;
                    }).SendAsync(channel, message, cancellation);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or MailKit.ProtocolException or MailKit.Security.AuthenticationException or MailKit.Security.SslHandshakeException or System.Security.Authentication.AuthenticationException or MailKit.CommandException or System.Net.Sockets.SocketException or TaskCanceledException)
                {
                    await console.Error.WriteLineAsync(context.Redactor.Redact($"error: the test message to {channelName} was not sent: {e.Message}"));
                    return ExitCodes.TenantsFailed;
                }

                await console.Error.WriteLineAsync($"Sent a test message to {channelName}.");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return new Command("notify", CommandHelp.With("Notification channels (notify: in runner.yaml).", "runner notify test ops-teams")) { test };
    }
}

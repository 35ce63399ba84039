using Runner.Runtime;
using System.CommandLine;
using System.Globalization;
using Runner.Auth;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;

namespace Runner.Cli.Commands;

/// <summary>runner auth status | refresh: the partner credential's age and the 90-day limit, and rotating it now.</summary>
internal static class AuthCommand
{
    public static Command Create(CliConsole console)
    {
        var status = new Command("status", CommandHelp.With("Who consented and when, when the refresh token was last used and stored, and days left before the 90-day limit.", "runner auth status"));
        status.SetAction((parse, cancellation) => RunAsync(console, parse, refresh: false, cancellation));
        var refresh = new Command("refresh", CommandHelp.With("Redeem the refresh token now: Entra rotates it and the 90 days start again; the new one is stored.", "runner auth refresh"));
        refresh.SetAction((parse, cancellation) => RunAsync(console, parse, refresh: true, cancellation));
        return new Command("auth", CommandHelp.With("The partner credential: status and refresh.", "runner auth status", "runner auth refresh")) { status, refresh };
    }

    private static async Task<int> RunAsync(CliConsole console, ParseResult parse, bool refresh, CancellationToken cancellation)
    {
        var verbose = GlobalOptions.Verbose(parse);
        await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
        try
        {
            var config = context.LoadConfig();
            var session = await context.OpenSessionAsync(config, cancellation);
            var state = refresh
                ? await CredentialKeeper.RefreshAsync(session, forceWriteBack: true, cancellation)
                : await CredentialKeeper.StatusAsync(session, cancellation);
            if (refresh)
            {
                await console.Output.WriteLineAsync("Redeemed the refresh token: Entra issued a new one, and it has been stored.");
            }

            Write(state, console, session.Services.Time.GetUtcNow());
            return state.Health is CredentialHealth.Expired or CredentialHealth.Missing ? ExitCodes.NeedsOperator : ExitCodes.Success;
        }
        catch (Exception e)
        {
            return Failures.Report(e, console, context.Redactor, verbose);
        }
    }

    private static void Write(CredentialStatus state, CliConsole console, DateTimeOffset now)
    {
        var output = console.Output;
        if (state.Health == CredentialHealth.Missing)
        {
            output.WriteLine($"Store:             {state.Store}");
            console.Error.WriteLine("error: no partner refresh token is stored. Run `runner consent` to sign in once as a partner admin.");
            WriteStoreError(state, console);
            return;
        }

        output.WriteLine($"Consented by:      {state.Username ?? "(unknown)"}{(state.ConsentedAt is { } c ? $" on {Day(c)} ({Ago(now - c)})" : "")}");
        output.WriteLine($"Last redeemed:     {When(state.LastRedeemedAt, now)}");
        output.WriteLine($"Last written back: {When(state.LastWrittenBackAt, now)}");
        output.WriteLine($"Store:             {state.Store}{(state.StoredTokenIssuedAt is { } s ? $" (holds a token issued {Day(s)})" : "")}");
        output.WriteLine($"Expires:           {Day(state.ExpiresAt!.Value)} after 90 days without use: {state.DaysLeft} day{(state.DaysLeft == 1 ? "" : "s")} left");
        if (state.LastWriteBackFailedAt is { } failed)
        {
            console.Error.WriteLine($"warning: writing the rotated refresh token to the secret store failed at {Day(failed)}: {state.LastWriteBackError} It is retried on the next run; `runner auth refresh` retries now.");
        }

        if (state.StoredCopyExpiresAt is { } storedExpiry && storedExpiry < state.ExpiresAt && (storedExpiry - now).TotalDays <= state.WarnDays)
        {
            console.Error.WriteLine($"warning: the copy in the secret store (what another machine starts from) expires {Day(storedExpiry)}. Run `runner auth refresh` to store the newest token.");
        }

        switch (state.Health)
        {
            case CredentialHealth.Expired:
                console.Error.WriteLine("error: the refresh token expired after 90 days without use. Run `runner consent` to sign in again, then keep `runner host` running (it refreshes daily).");
                break;
            case CredentialHealth.ExpiringSoon:
                console.Error.WriteLine($"warning: the refresh token expires in {state.DaysLeft} day{(state.DaysLeft == 1 ? "" : "s")} (auth.warnDays is {state.WarnDays}). Run `runner auth refresh` now, and keep `runner host` running so it refreshes daily.");
                break;
        }

        WriteStoreError(state, console);
    }

    private static void WriteStoreError(CredentialStatus state, CliConsole console)
    {
        if (state.StoreError is not null)
        {
            console.Error.WriteLine($"warning: {state.StoreError}");
        }
    }

    private static string When(DateTimeOffset? at, DateTimeOffset now) => at is { } value ? $"{Day(value)} ({Ago(now - value)})" : "never";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private static string Ago(TimeSpan span) => span.TotalDays >= 1
        ? $"{(int)span.TotalDays} day{((int)span.TotalDays == 1 ? "" : "s")} ago"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h ago" : "just now";
}

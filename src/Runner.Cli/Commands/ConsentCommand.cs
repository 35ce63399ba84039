using Runner.Runtime;
using System.CommandLine;
using System.Globalization;
using Runner.Auth;
using Runner.Cli.Composition;
using Runner.Cli.Rendering;

namespace Runner.Cli.Commands;

/// <summary>runner consent [--device-code]: the one interactive sign-in of the Secure Application Model.</summary>
internal static class ConsentCommand
{
    public static Command Create(CliConsole console)
    {
        var deviceCode = new Option<bool>("--device-code") { Description = "Sign in on another device: print a code and a URL instead of opening a browser here." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; print the sign-in URL to open on this machine." };
        var command = new Command("consent", CommandHelp.With("Sign in once as a partner admin (with MFA) and store the refresh token Runner works from.", "runner consent", "runner consent --device-code")) { deviceCode, noBrowser };
        command.SetAction(async (parse, cancellation) =>
        {
            var verbose = GlobalOptions.Verbose(parse);
            await using var context = new CliContext(console, GlobalOptions.Config(parse), verbose);
            try
            {
                var config = context.LoadConfig();
                var session = await context.OpenSessionAsync(config, cancellation);
                var flow = session.ConsentFlow();
                ConsentResult result;
                if (parse.GetValue(deviceCode))
                {
                    result = await flow.RunWithDeviceCodeAsync(async prompt =>
                    {
                        await console.Error.WriteLineAsync(prompt.Message);
                        await console.Error.WriteLineAsync($"Waiting for the sign-in (the code expires at {prompt.ExpiresOn.ToLocalTime():HH:mm}) ...");
                    }, cancellation);
                }
                else
                {
                    var browser = parse.GetValue(noBrowser) ? NoBrowser.Instance : console.Browser ?? new SystemBrowser(console.Environment);
                    result = await flow.RunInBrowserAsync(browser, line => console.Error.WriteLine(line), cancellation);
                }

                await console.Output.WriteLineAsync(
                    $"Consent complete: {result.Username} (tenant {result.TenantId}) signed in at {result.ConsentedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.");
                await console.Output.WriteLineAsync($"The refresh token is stored in the {result.Store}, and the token cache in {session.Credentials.Cache.Path}.");
                await console.Output.WriteLineAsync("It expires after 90 days without use: keep `runner host` running (it refreshes daily) or run `runner auth refresh` regularly. Check it with `runner auth status`.");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, context.Redactor, verbose);
            }
        });
        return command;
    }
}

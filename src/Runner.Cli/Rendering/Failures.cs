using Runner.Auth;
using Runner.Cli.Composition;
using Runner.Clients.PartnerCenter;
using Runner.Configuration;
using Runner.Execution;
using Runner.History;
using Runner.Redaction;
using Runner.Scripting;
using Runner.Secrets;
using Runner.State;
using Runner.Tenants;

namespace Runner.Cli.Rendering;

/// <summary>
/// Turns an exception that ended a command into one clear message on standard error and the design's exit code.
/// Stack traces appear only with --verbose; secrets never.
/// </summary>
internal static class Failures
{
    public static int Report(Exception exception, CliConsole console, SecretRedactor redactor, bool verbose)
    {
        var (code, message) = exception switch
        {
            ConfigException e => (ExitCodes.Usage, e.Message),
            ScriptCompilationException e => (ExitCodes.Usage, string.Join(Environment.NewLine, e.Diagnostics.Where(d => d.IsError).Select(d => Relative(d, console)))),
            TenantSelectionException e => (ExitCodes.Usage, $"error: {e.Message}"),
            JobParameterException e => (ExitCodes.Usage, $"error: {e.Message}"),
            FileNotFoundException e => (ExitCodes.Usage, $"error: {e.Message}"),
            DirectoryNotFoundException e => (ExitCodes.Usage, $"error: {e.Message}"),
            StateException e => (ExitCodes.Usage, $"error: {e.Message}"),
            HistoryException e => (ExitCodes.Usage, $"error: {e.Message}"),
            SecretStoreException e => (ExitCodes.NeedsOperator, $"error: {e.Message}"),
            TokenAcquisitionException { NeedsOperator: true } e => (ExitCodes.NeedsOperator, $"error: {e.Message}"),
            TokenAcquisitionException e => (ExitCodes.TenantsFailed, $"error: {e.Message}"),
            PartnerCenterException e when PartnerCenterRefusal.Describe(e) is { } refusal => (ExitCodes.NeedsOperator, $"error: {refusal}"),
            PartnerCenterException { StatusCode: 401 or 403 } e => (ExitCodes.NeedsOperator, $"error: {e.Message}"),
            PartnerCenterException e => (ExitCodes.TenantsFailed, $"error: {e.Message}"),
            OperationCanceledException => (ExitCodes.Interrupted, "Interrupted."),
            UsageException e => (ExitCodes.Usage, $"error: {e.Message}"),
            JobRequestException e => (ExitCodes.Usage, $"error: {e.Message}"),
            // The layers explain the files they own; anything else the file system refuses still gets one line, not "unexpected".
            IOException or UnauthorizedAccessException => (ExitCodes.Usage,
                $"error: {exception.Message.TrimEnd('.')} (a file could not be read or written: check its permissions and the free disk space)."),
            // Exit 1 means "some tenants failed"; an error nobody anticipated is Runner's own, and says so.
            _ => (ExitCodes.Internal, $"error: unexpected {exception.GetType().Name}: {exception.Message}{Environment.NewLine}" +
                "This is a bug in Runner; please report it with the stack trace below."),
        };

        console.Error.WriteLine(redactor.Redact(message));
        if ((verbose && code != ExitCodes.Interrupted) || code == ExitCodes.Internal)
        {
            console.Error.WriteLine(redactor.Redact(exception.ToString()));
        }

        return code;
    }

    public static string Relative(ScriptDiagnostic diagnostic, CliConsole console)
    {
        var relative = Path.GetRelativePath(console.CurrentDirectory, diagnostic.Path);
        return (diagnostic with { Path = relative.StartsWith("..", StringComparison.Ordinal) ? diagnostic.Path : relative }).ToString();
    }
}

/// <summary>A command was used wrongly; the message says how to use it.</summary>
internal sealed class UsageException(string message) : Exception(message);

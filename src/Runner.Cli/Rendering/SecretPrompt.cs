using System.Text;

namespace Runner.Cli.Rendering;

/// <summary>
/// Reads a secret typed at a terminal without echoing it: the prompt on standard error, a `*` per character, Backspace
/// to correct, Enter to finish. Ctrl+C (through the command's token) abandons it.
/// </summary>
internal static class SecretPrompt
{
    public static async Task<string> ReadAsync(string prompt, TextWriter error, CancellationToken cancellation)
    {
        await error.WriteAsync(prompt);
        await error.FlushAsync(cancellation);
        var value = new StringBuilder();
        while (true)
        {
            // KeyAvailable, not a blocking ReadKey: Ctrl+C cancels the token and the prompt must notice.
            while (!Console.KeyAvailable)
            {
                await Task.Delay(25, cancellation);
            }

            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter || key.KeyChar is '\r' or '\n')
            {
                await error.WriteLineAsync();
                return value.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (value.Length > 0)
                {
                    value.Length--;
                    await error.WriteAsync("\b \b");
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                value.Append(key.KeyChar);
                await error.WriteAsync('*');
            }
        }
    }
}

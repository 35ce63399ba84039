using System.Collections;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Runner.Resident;

/// <summary>
/// `runner run` as a client of a run server: when one listens for this folder, environment and build, the command
/// line goes to it and its output and exit code come back, so the run costs no start-up of its own. Ctrl+C (or
/// SIGTERM) once stops the run gracefully as it would in-process; twice exits at once while the server records the
/// unfinished tenants.
/// </summary>
internal static class RunServerClient
{
    /// <summary>Exit code when the server went away mid-run (EX_SOFTWARE, as an unexpected failure in-process).</summary>
    public const int ServerLost = 70;

    private const int Interrupted = 130;

    /// <summary>A connected socket, or null when nothing listens at <paramref name="socketPath"/>.</summary>
    public static Socket? Connect(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return socket;
        }
        catch (SocketException)
        {
            // A socket file without a server (it died): run in-process.
            socket.Dispose();
            return null;
        }
    }

    /// <summary>Hands <paramref name="args"/> to this folder's run server; null when there is none (run in-process).</summary>
    public static async Task<int?> TryRunAsync(string[] args, string currentDirectory, IDictionary environment, string runnerAssembly)
    {
        if (!RunServerAddress.Supported || RunServerAddress.Disabled(environment)
            || RunServerAddress.For(currentDirectory, environment, runnerAssembly, create: false) is not { } path
            || Connect(path) is not { } socket)
        {
            return null;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var request = new RunServerRequest(RunServerRequest.Run, args, !Console.IsOutputRedirected, !Console.IsErrorRedirected, TerminalWidth());
        RunServerFrames.Write(stream, RunServerFrames.Request, request.ToJson());

        using var abandon = new CancellationTokenSource();
        var signals = 0;
        var sending = new Lock();
        void Signal()
        {
            if (Interlocked.Increment(ref signals) == 1)
            {
                lock (sending)
                {
                    try
                    {
                        RunServerFrames.Write(stream, RunServerFrames.Interrupt, []);
                    }
                    catch (IOException)
                    {
                        // The server is gone: the read loop says so.
                    }
                }

                return;
            }

            Console.Error.WriteLine("Exiting now; the run server records the unfinished tenants as Cancelled (`runner show` has them).");
            abandon.Cancel();
        }

        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Signal();
        };
        Console.CancelKeyPress += onCancel;
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Signal();
        });
        try
        {
            return await PumpAsync(stream, abandon.Token);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            return Interrupted;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Asks the server at <paramref name="socketPath"/> for its status or to stop: (exit code, what it said),
    /// or null when none listens there.</summary>
    public static async Task<(int Code, string Text)?> AskAsync(string socketPath, string kind, CancellationToken cancellation)
    {
        if (Connect(socketPath) is not { } socket)
        {
            return null;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: true);
        RunServerFrames.Write(stream, RunServerFrames.Request, new RunServerRequest(kind, [], false, false, 0).ToJson());
        var text = new StringBuilder();
        while (await RunServerFrames.ReadAsync(stream, cancellation) is { } frame)
        {
            if (frame.Kind == RunServerFrames.Exit)
            {
                return (RunServerFrames.ExitCode(frame.Payload), text.ToString());
            }

            text.Append(Encoding.UTF8.GetString(frame.Payload));
        }

        return (ServerLost, text.ToString());
    }

    private static async Task<int> PumpAsync(NetworkStream stream, CancellationToken abandon)
    {
        await using var output = Console.OpenStandardOutput();
        await using var error = Console.OpenStandardError();
        while (await RunServerFrames.ReadAsync(stream, abandon) is { } frame)
        {
            switch (frame.Kind)
            {
                case RunServerFrames.Output:
                    await output.WriteAsync(frame.Payload, abandon);
                    await output.FlushAsync(abandon);
                    break;
                case RunServerFrames.Error:
                    await error.WriteAsync(frame.Payload, abandon);
                    await error.FlushAsync(abandon);
                    break;
                case RunServerFrames.Exit:
                    return RunServerFrames.ExitCode(frame.Payload);
            }
        }

        await error.WriteAsync(Encoding.UTF8.GetBytes(
            "runner: the run server ended during the run (see its log: `runner run-server status`); the run is closed as Interrupted at the next start. Run again, or with RUNNER_RUN_SERVER=off to run in this process.\n"), CancellationToken.None);
        return ServerLost;
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.IsOutputRedirected && Console.IsErrorRedirected ? 0 : Console.WindowWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException)
        {
            return 0;
        }
    }
}

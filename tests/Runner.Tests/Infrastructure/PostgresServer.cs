using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 for the test class: initdb in a temp folder, pg_ctl start on a random free port (loopback
/// only, trust auth), stopped and deleted afterwards. PostgreSQL refuses to run as root, so under root (CI
/// containers) its commands run as the 'postgres' user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly TempFolder _folder = new("runner-pg");
    private string _data = "";
    private string _pgCtl = "";

    public int Port { get; private set; }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "runner", Database = database, Pooling = true, MaxPoolSize = 20 }.ToString();

    public async Task InitializeAsync()
    {
        var bin = FindBinaries();
        _pgCtl = Path.Combine(bin, "pg_ctl");
        var root = _folder.Combine("pg");
        Directory.CreateDirectory(root);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres", _folder.Path]);
        }

        _data = Path.Combine(root, "data");
        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), ["-D", _data, "-A", "trust", "-U", "runner", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        Port = FreePort();
        var options = $"-p {Port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await RunAsPostgresAsync(_pgCtl, ["-D", _data, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    }

    /// <summary>A fresh, empty database for one test; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_data.Length > 0 && Directory.Exists(_data))
        {
            await RunAsPostgresAsync(_pgCtl, ["-D", _data, "-m", "immediate", "-w", "stop"], check: false);
        }

        _folder.Dispose();
    }

    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL (initdb, pg_ctl) is not installed: .ci/run installs it; locally, install the postgresql package.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsPostgresAsync(string program, IReadOnlyList<string> arguments, bool check = true) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], check) : RunAsync(program, arguments, check);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool check = true)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}

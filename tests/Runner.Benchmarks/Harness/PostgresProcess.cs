using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A throwaway PostgreSQL (initdb in the work folder, pg_ctl start on a free loopback port, trust auth, no fsync),
/// stopped and deleted on dispose: the approach of the tests' PostgresServer. PostgreSQL refuses to run as root, so
/// under root its commands run as the 'postgres' user.
/// </summary>
internal sealed class PostgresProcess : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _pgCtl;
    private readonly string _data;

    private PostgresProcess(string folder, string pgCtl, int port)
    {
        _folder = folder;
        _pgCtl = pgCtl;
        _data = Path.Combine(folder, "data");
        Port = port;
    }

    public int Port { get; }

    public string ServerLog => Path.Combine(_folder, "server.log");

    /// <summary>The postmaster, parent of every backend (for their CPU: <see cref="ProcessTree.Cpu"/>).</summary>
    public int ServerPid => int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public static async Task<PostgresProcess> StartAsync(string folder, int maxConnections)
    {
        var bin = FindBinaries();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        if (Environment.UserName == "root")
        {
            (await Proc.RunAsync("chown", ["-R", "postgres", folder], folder)).EnsureSuccess("chown the PostgreSQL folder");
        }

        var server = new PostgresProcess(folder, Path.Combine(bin, "pg_ctl"), FreePort());
        await server.RunAsync(Path.Combine(bin, "initdb"), ["-D", server._data, "-A", "trust", "-U", "runner", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        var options = string.Create(CultureInfo.InvariantCulture,
            $"-p {server.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections={maxConnections}");
        await server.RunAsync(server._pgCtl, ["-D", server._data, "-l", server.ServerLog, "-o", options, "-w", "-t", "60", "start"]);
        return server;
    }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "runner", Database = database }.ToString();

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(_pgCtl, ["-D", _data, "-m", "immediate", "-w", "stop"], check: false);
        Directory.Delete(_folder, recursive: true);
    }

    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL (initdb, pg_ctl) is not installed; the cluster half needs it (or pass --skip-cluster).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string program, string[] arguments, bool check = true)
    {
        var result = Environment.UserName == "root"
            ? await Proc.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], _folder)
            : await Proc.RunAsync(program, arguments, _folder);
        if (check)
        {
            result.EnsureSuccess($"{Path.GetFileName(program)} {string.Join(' ', arguments)}");
        }
    }
}

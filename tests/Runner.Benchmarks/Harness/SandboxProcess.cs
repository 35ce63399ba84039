using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Runner.Http;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A standalone sandbox (`runner sandbox`) in its own process, so its start-up and its CPU are never inside a measured
/// process's figures. Talks to it over its admin endpoints: consent, faults, counters.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CloudHttp _http;
    private readonly HttpClient _client;

    private SandboxProcess(Process process, Uri url, string dataDirectory)
    {
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
        _http = CloudHttp.Create(CaFile);
        _client = _http.CreateClient(TimeSpan.FromMinutes(2));
    }

    public Uri Url { get; }

    public string DataDirectory { get; }

    public string CaFile => Path.Combine(DataDirectory, "ca.pem");

    public string AppSecretFile => Path.Combine(DataDirectory, "app-secret");

    public int ProcessId => _process.Id;

    public static async Task<SandboxProcess> StartAsync(string runnerDll, string folder, int customers)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var data = Path.Combine(folder, "data");
        var process = Process.Start(Proc.Info("dotnet", [runnerDll, "sandbox", "--port", "0", "--customers", customers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data], folder))!;
        var errors = process.StandardError.ReadToEndAsync();
        const string Banner = "Runner sandbox listening on ";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Uri? url = null;
        while (url is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(Banner, StringComparison.Ordinal))
            {
                url = new Uri(line[Banner.Length..].Trim());
            }
        }

        if (url is null)
        {
            throw new InvalidOperationException($"The sandbox did not start: {await errors}");
        }

        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        return new SandboxProcess(process, url, data);
    }

    /// <summary>runner.yaml for a project that uses this sandbox as its cloud, plus <paramref name="extra"/> YAML.</summary>
    public async Task<string> RunnerYamlAsync(string extra)
    {
        var info = await InfoAsync();
        var url = Url.AbsoluteUri;
        return $"""
            cloud: custom
            endpoints: {"{"} login: {url}, partnerCenter: {url}, resourceManager: {url}, graph: {url}, caFile: {CaFile} {"}"}
            partner: {"{"} tenant: {info["partnerTenantId"]}, clientId: {info["clientId"]}, clientSecret: secret:app-secret {"}"}
            {extra}
            """;
    }

    /// <summary>The partner tenant, the app's client id, the endpoints (GET /_sandbox/info).</summary>
    public Task<JsonObject> InfoAsync() => GetAsync("info");

    /// <summary>A partner admin refresh token, as if consent had just happened.</summary>
    public async Task<string> ConsentAsync() => (string)(await PostAsync("consent", new JsonObject()))["refresh_token"]!;

    /// <summary>{ "latencyMs": { "*": 20 } }, { "clear": true }, … (see docs/sandbox.md).</summary>
    public Task SetFaultsAsync(JsonObject faults) => PostAsync("faults", faults);

    public Task<JsonObject> CountersAsync() => GetAsync("counters");

    public Task ResetCountersAsync() => PostAsync("counters/reset", new JsonObject());

    /// <summary>Requests to one API (token, graph, arm, partnerCenter) since the last reset.</summary>
    public static long Api(JsonObject counters, string api) => counters["apis"]?[api]?.GetValue<long>() ?? 0;

    private async Task<JsonObject> GetAsync(string path) =>
        (await _client.GetFromJsonAsync<JsonObject>(new Uri(Url, $"_sandbox/{path}")))!;

    private async Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        using var response = await _client.PostAsJsonAsync(new Uri(Url, $"_sandbox/{path}"), body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        if (!_process.HasExited)
        {
            await Proc.TerminateAsync(_process);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}

using System.Collections;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Runner.Configuration;
using Runner.Scripting;
using Runner.Tenants;

namespace Runner.Benchmarks.Micro;

/// <summary>What a cached `runner run` does in-process before the first tenant starts, piece by piece.</summary>
[MemoryDiagnoser]
public class WarmPathBenchmarks
{
    private readonly Hashtable _environment = [];
    private string _folder = "";
    private string _yaml = "";
    private string _script = "";
    private ScriptEngine _engine = null!;
    private List<CustomerTenant> _tenants = [];
    private TenantSettings _tenantSettings = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"runner-micro-{Environment.ProcessId}");
        Directory.CreateDirectory(Path.Combine(_folder, "jobs"));
        var jobs = string.Concat(Enumerable.Range(1, 50).Select(i => $"  job{i:00}: {{ script: jobs/tiny.csx, schedule: \"0 0/15 * * * ?\", timeZone: Europe/Berlin, tenants: [\"group:eu\"], retries: 2 }}\n"));
        _yaml = $"""
            cloud: custom
            endpoints: {"{"} login: https://127.0.0.1:1/, partnerCenter: https://127.0.0.1:1/, resourceManager: https://127.0.0.1:1/, graph: https://127.0.0.1:1/ {"}"}
            partner: {"{"} tenant: 11111111-1111-1111-1111-111111111111, clientId: 22222222-2222-2222-2222-222222222222, clientSecret: secret:app-secret {"}"}
            defaults: {"{"} parallel: 16, timeout: "00:05:00" {"}"}
            tenants:
              groups: {"{"} eu: [customer0001.onmicrosoft.com, "name:Tailspin*"] {"}"}
            jobs:
            {jobs}
            """;
        File.WriteAllText(Path.Combine(_folder, "runner.yaml"), _yaml);
        _script = Path.Combine(_folder, "jobs", "tiny.csx");
        File.WriteAllText(_script, "return Tenant.Domain;\n");
        _engine = ScriptEngine.Create(Path.Combine(_folder, ".runner"), NullLogger.Instance);
        _engine.Load(_script, CancellationToken.None).Dispose(); // compiled once; the benchmark measures cache hits

        _tenants = [.. Enumerable.Range(0, 1250).Select(i => new CustomerTenant
        {
            Id = Guid.CreateVersion7(),
            Domain = $"customer{i:0000}.onmicrosoft.com",
            CompanyName = i % 7 == 0 ? $"Tailspin {i}" : $"Customer {i} Ltd",
            Gdap = i % 10 is 7 or 8 ? GdapAccess.None : new GdapAccess("active", DateTimeOffset.UtcNow.AddDays(100), "rel"),
        })];
        _tenantSettings = ConfigLoader.Parse(_yaml, Path.Combine(_folder, "runner.yaml"), _environment).Tenants;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>runner.yaml with 50 scheduled jobs: YAML, binding, validation (cron expressions included).</summary>
    [Benchmark]
    public object ParseConfig() => ConfigLoader.Parse(_yaml, Path.Combine(_folder, "runner.yaml"), _environment);

    /// <summary>A compile-cache hit: read and hash the script, read the manifest, load the DLL in a collectible context.</summary>
    [Benchmark]
    public bool LoadCachedScript()
    {
        using var script = _engine.Load(_script, CancellationToken.None);
        return script.FromCache;
    }

    /// <summary>--tenant all over 1,250 customers (GDAP checks, skips with reasons).</summary>
    [Benchmark]
    public int SelectAll() => TenantSelector.Select(_tenants, ["all"], [], _tenantSettings, DateTimeOffset.UtcNow).Run.Count;

    /// <summary>--tenant group:eu (a domain and a name glob) over 1,250 customers.</summary>
    [Benchmark]
    public int SelectGroup() => TenantSelector.Select(_tenants, ["group:eu"], [], _tenantSettings, DateTimeOffset.UtcNow).Run.Count;
}

// Starts a standalone sandbox for start-up measurements (tools/startup-bench/measure.sh) and writes a cloud: custom
// runner.yaml for it, plus the app secret and a refresh token for `runner secret set`, into the given folder.
// Usage: StartupSandbox <folder> <port>. Runs until SIGTERM or Ctrl+C.
using Runner.Sandbox;
var folder = Path.GetFullPath(args[0]);
var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
Directory.CreateDirectory(folder);
await using var host = await SandboxHost.StartAsync(new SandboxOptions { Port = port, Customers = 10, DataDirectory = Path.Combine(folder, "sandbox-data") });
var url = host.BaseUri.AbsoluteUri;
File.WriteAllText(Path.Combine(folder, "runner.yaml"), $$"""
cloud: custom
endpoints: { login: {{url}}, partnerCenter: {{url}}, resourceManager: {{url}}, graph: {{url}}, caFile: {{host.CaCertificatePath}} }
partner: { tenant: {{host.PartnerTenantId}}, clientId: {{host.ClientId}}, clientSecret: secret:app-secret }
""");
File.WriteAllText(Path.Combine(folder, "app-secret.txt"), host.ClientSecret);
File.WriteAllText(Path.Combine(folder, "refresh-token.txt"), host.IssueRefreshToken());
Console.WriteLine($"ready {url}");
var done = new TaskCompletionSource();
AppDomain.CurrentDomain.ProcessExit += (_, _) => done.TrySetResult();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; done.TrySetResult(); });
await done.Task;

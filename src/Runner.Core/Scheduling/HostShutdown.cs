using Microsoft.Extensions.Hosting;

namespace Runner.Scheduling;

/// <summary>Signalled when the host starts stopping (SIGTERM, Ctrl+C): running workers get the shutdown grace from then on.</summary>
internal sealed class HostShutdown(IHostApplicationLifetime lifetime)
{
    public CancellationToken Token => lifetime.ApplicationStopping;
}

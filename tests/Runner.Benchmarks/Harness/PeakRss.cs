using System.Diagnostics;
using System.Globalization;

namespace Runner.Benchmarks.Harness;

/// <summary>
/// A child process's peak resident set: VmHWM in /proc/PID/status, the kernel's high-water mark of its RSS, read every
/// 10 ms while it runs. Being a high-water mark, each reading already covers everything before it, so only growth in
/// the last few milliseconds before exit could be missed; the status file loses its memory lines once the process exits.
/// </summary>
internal sealed class PeakRss : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(10);

    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakKb;

    private PeakRss(Process process)
    {
        _process = process;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The highest VmHWM read, in MB (1 MB = 1,048,576 bytes); NaN when none could be read.</summary>
    public double Megabytes => _peakKb == 0 ? double.NaN : _peakKb / 1024.0;

    public static PeakRss Watch(Process process) => new(process);

    /// <summary>Stops reading (call it once the process has exited: nothing is left to read then) and returns the peak.</summary>
    public async Task<double> StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _loop;
        return Megabytes;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                Read();
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Read()
    {
        // Once exited (and reaped) the ID may belong to another process.
        if (!_process.HasExited && ReadKb(_process.Id) is { } kb && kb > _peakKb)
        {
            _peakKb = kb;
        }
    }

    /// <summary>VmHWM of a running process, in kB; null once it has exited (a zombie has no memory lines) or is gone.</summary>
    public static long? ReadKb(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}

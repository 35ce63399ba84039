using Runner.Configuration;
using Runner.Scripting;

namespace Runner.Execution;

/// <summary>
/// Turns what was asked for (a job in runner.yaml or a .csx path, tenants, parameters, limits) into a JobRequest: the
/// one place `runner run` and a scheduled worker build their requests.
/// </summary>
internal static class JobRequests
{
    public static JobRequest Build(
        RunnerConfig config,
        string target,
        IReadOnlyList<string> tenants,
        IReadOnlyList<string> exclude,
        IReadOnlyList<string> parameters,
        int? parallel,
        string? timeout,
        bool refresh,
        bool partnerLevel,
        string currentDirectory)
    {
        if (parallel is < 1 or > 1024)
        {
            throw new JobRequestException($"--parallel must be between 1 and 1024, found {parallel}.");
        }

        TimeSpan? limit = null;
        if (timeout is not null)
        {
            limit = DurationParser.TryParse(timeout, out var parsed) && parsed > TimeSpan.Zero
                ? parsed
                : throw new JobRequestException($"--timeout expects a duration such as 00:05:00, 90s or 10m, found '{timeout}'.");
        }

        var given = JobParameters.ParsePairs(parameters);
        if (!target.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && config.Jobs.TryGetValue(target, out var job))
        {
            var merged = new Dictionary<string, string>(job.Params, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in given)
            {
                merged[key] = value;
            }

            return new JobRequest
            {
                Job = job.Name,
                ScriptPath = job.Script,
                Include = tenants.Count > 0 ? tenants : job.Tenants,
                Exclude = [.. job.Exclude, .. exclude],
                Parameters = merged,
                Parallel = parallel ?? job.Parallel,
                Timeout = limit ?? job.Timeout,
                RefreshTenants = refresh,
                PartnerLevel = partnerLevel || job.PartnerLevel,
            };
        }

        if (!PathSyntax.TryResolve(target, currentDirectory, out var path) || !File.Exists(path))
        {
            var jobs = config.Jobs.Keys.ToList();
            var nearest = Suggest.Ranked(target, jobs, 3);
            throw new JobRequestException(target.EndsWith(".csx", StringComparison.OrdinalIgnoreCase)
                ? $"The script {PathSyntax.Printable(target)} does not exist."
                : $"'{PathSyntax.Printable(target)}' is neither a .csx file nor a job in {config.FilePath}." + (nearest.Count > 0 ? $" Did you mean {string.Join(", ", nearest)}?" : jobs.Count > 0 ? $" Jobs: {string.Join(", ", jobs)}." : ""));
        }

        return new JobRequest
        {
            Job = Path.GetFileNameWithoutExtension(path),
            ScriptPath = path,
            Include = tenants,
            Exclude = exclude,
            Parameters = given,
            Parallel = parallel,
            Timeout = limit,
            RefreshTenants = refresh,
            PartnerLevel = partnerLevel,
        };
    }
}

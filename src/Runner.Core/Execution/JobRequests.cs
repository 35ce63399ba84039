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
        string currentDirectory,
        bool whatIf = false,
        bool readOnly = false,
        IReadOnlyList<string>? secrets = null)
    {
        secrets ??= [];
        if (secrets.FirstOrDefault(n => !Secrets.SecretNames.IsValid(n)) is { } badName)
        {
            throw new JobRequestException($"--secret '{PathSyntax.Printable(badName)}' is not a secret name: use letters, digits and dashes, as in `runner secret set NAME`.");
        }

        if (secrets.Any(n => n.Equals(Auth.CredentialStore.RefreshTokenSecret, StringComparison.OrdinalIgnoreCase)))
        {
            throw new JobRequestException($"--secret {Auth.CredentialStore.RefreshTokenSecret}: that is the partner's refresh token, which Runner never hands to a script (use Tokens for access tokens).");
        }

        if (parallel is < 1 or > 1024)
        {
            throw new JobRequestException($"--parallel must be between 1 and 1024, found {parallel}.");
        }

        TimeSpan? limit = null;
        if (timeout is not null)
        {
            limit = !DurationParser.TryParse(timeout, out var parsed)
                ? throw new JobRequestException($"--timeout expects a duration such as 00:05:00, 90s or 10m, found '{timeout}'.")
                : parsed <= TimeSpan.Zero
                    ? throw new JobRequestException($"--timeout {timeout} would give each tenant no time at all; it is the time limit per tenant, so give it a length such as 90s or 10m.")
                    : parsed;
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
                WhatIf = whatIf,
                ReadOnlyReason = readOnly ? "--read-only" : job.Writes ? null : $"jobs.{job.Name}.writes is not true in {Path.GetFileName(config.FilePath)}",
                Secrets = [.. job.Secrets.Union(secrets, StringComparer.Ordinal)],
            };
        }

        if (!PathSyntax.TryResolve(target, currentDirectory, out var path) || !File.Exists(path))
        {
            var jobs = config.Jobs.Keys.ToList();
            var scripts = ScriptFiles.Near(currentDirectory);
            var nearest = Suggest.Ranked(target, scripts, 3).Concat(Suggest.Ranked(target, jobs, 3).Select(j => $"{j} (job)")).Take(4).ToList();
            var hint = nearest.Count > 0 ? $" Did you mean {string.Join(", ", nearest)}?" : jobs.Count > 0 ? $" Jobs: {string.Join(", ", jobs)}." : "";
            throw new JobRequestException(target.EndsWith(".csx", StringComparison.OrdinalIgnoreCase)
                ? $"The script {PathSyntax.Printable(target)} does not exist.{hint}"
                : $"'{PathSyntax.Printable(target)}' is neither a .csx file nor a job in {config.FilePath}.{hint}");
        }

        if (!path.EndsWith(".csx", StringComparison.OrdinalIgnoreCase))
        {
            throw new JobRequestException($"{PathSyntax.Printable(target)} is not a C# script: runner runs .csx files and the jobs in {config.FilePath}.");
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
            WhatIf = whatIf,
            ReadOnlyReason = readOnly ? "--read-only" : null,
            Secrets = [.. secrets.Distinct(StringComparer.Ordinal)],
        };
    }
}

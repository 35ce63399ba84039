using Microsoft.Extensions.Logging;
using Runner.Execution;
using Runner.Scripting;

namespace Runner.Runtime;

/// <summary>
/// Reads a job's granted secrets from the configured store once per run, before any tenant: a missing one stops the
/// run naming it (every tenant would fail the same way), and each value is registered with the redactor first, so
/// it is masked even in the first line a script logs.
/// </summary>
internal static class JobSecretsLoader
{
    /// <summary>Secrets a value shorter than this cannot be masked without masking ordinary words too.</summary>
    private const int MaskableLength = 8;

    public static async Task<JobSecrets> LoadAsync(RunnerSession session, JobRequest request, CancellationToken cancellationToken)
    {
        if (request.Secrets.Count == 0)
        {
            return JobSecrets.None(request.Job);
        }

        var own = OwnSecretNames(session);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in request.Secrets)
        {
            if (own.Contains(name))
            {
                throw new JobRequestException($"The secret '{name}' is Runner's own credential (partner: in runner.yaml refers to it), so no job may read it. Give the job a secret of its own.");
            }

            var stored = await session.Secrets.GetAsync(name, cancellationToken)
                ?? throw new JobRequestException($"The secret '{name}' granted to the job '{request.Job}' is not in the secret store ({session.Secrets.Kind}: {session.Secrets.Location}). Store it with `runner secret set {name}`.");
            session.Services.Redactor.Add(stored.Value);
            if (stored.Value.Length < MaskableLength)
            {
                session.Services.Logging.CreateLogger("Runner.Jobs").LogWarning(
                    "The secret '{Name}' is shorter than {Length} characters: Runner cannot mask it in output without masking ordinary text, so keep it out of logs and results yourself.",
                    name, MaskableLength);
            }

            values[name] = stored.Value;
        }

        return new JobSecrets(values, request.Job);
    }

    /// <summary>Store names runner.yaml uses for Runner's own credential: never a job's.</summary>
    private static HashSet<string> OwnSecretNames(RunnerSession session)
    {
        var partner = session.Config.Partner;
        return new[] { partner.ClientSecret, partner.Certificate, partner.CertificatePassword }
            .Where(v => v is not null && v.StartsWith("secret:", StringComparison.Ordinal))
            .Select(v => v![7..])
            .Append(Auth.CredentialStore.RefreshTokenSecret)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}

namespace Runner.Writes;

/// <summary>
/// One write a script made (or, in a what-if run, would have made): what the audit keeps and what --what-if shows.
/// Never holds a secret: the URL has secret-looking query values masked and the body is redacted and cut short.
/// </summary>
/// <param name="Api">graph, arm, partnerCenter or other (<see cref="Telemetry.RunnerTelemetry.Api"/>).</param>
/// <param name="Url">The URL, secret query values masked. Writes inside a Graph $batch carry the batch item's URL.</param>
/// <param name="Status">The final answer's status code (after retries); null when no answer came; in a what-if run the simulated one.</param>
/// <param name="RequestId">The service's request id of the answer, when it sent one.</param>
/// <param name="BodyHash">"sha256:" of the redacted body (before it is cut short); null without a body.</param>
/// <param name="Body">The body with secret fields masked, at most <see cref="WriteBodies.StoredLimit"/> characters.</param>
/// <param name="Summary">The first line's worth of <paramref name="Body"/>, for tables.</param>
/// <param name="Simulated">True in a what-if run: the write was not sent.</param>
internal sealed record WriteRecord(
    int Sequence,
    DateTimeOffset At,
    string Api,
    string Method,
    string Url,
    int? Status,
    string? RequestId,
    TimeSpan Duration,
    string? BodyHash,
    string? Body,
    string? Summary,
    bool Simulated)
{
    /// <summary>"PATCH https://graph.microsoft.com/v1.0/users/…": how messages name the call.</summary>
    public string Call => $"{Method} {Url}";
}

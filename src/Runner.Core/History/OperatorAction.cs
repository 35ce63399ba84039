namespace Runner.History;

/// <summary>
/// Something a person did to the schedule from the console or its API (triggered, paused, resumed), kept with
/// history so a run shows who started it and a job who paused it.
/// </summary>
/// <param name="Actor">The signed-in user's name, or "api key NAME".</param>
/// <param name="Action">triggered, paused or resumed.</param>
internal sealed record OperatorAction(DateTimeOffset At, string Actor, string Action, string Job, string? RunId, string? Detail);

// The host benchmark's job: its first statement reads the clock, and the run's result is that moment (Unix ms),
// so fire-to-start is this value minus the fire's scheduled time, both from the machine's clock.
var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
return started;

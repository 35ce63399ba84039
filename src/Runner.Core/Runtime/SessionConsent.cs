using Microsoft.Extensions.Logging;
using Runner.Auth;

namespace Runner.Runtime;

/// <summary>The consent flow for a session's partner application, cloud and credential store.</summary>
internal static class SessionConsent
{
    public static ConsentFlow ConsentFlow(this RunnerSession session) => new(
        session.Broker.Application,
        session.Cloud.Endpoints,
        session.Http,
        session.Credentials,
        session.Config.Auth,
        session.Services.Redactor,
        session.Services.Time,
        session.Services.Logging.CreateLogger("Runner.Auth"));
}

namespace Runner.Clients.Http;

/// <summary>Wraps the shared handler so that an SDK disposing its HttpClient cannot dispose the shared pool.</summary>
internal sealed class NonDisposingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override void Dispose(bool disposing)
    {
        // Deliberately not disposing the inner handler: it belongs to the session.
    }
}

using Runner.Auth;

namespace Runner.Execution;

/// <summary>
/// Fetches the tokens a tenant's script is going to ask for before it asks. On a first run (or once tokens expired)
/// each tenant's script waits for a token exchange per resource, one after the other, the first time it touches
/// Graph and then ARM: two round trips to the token service on top of its own calls. Which scopes a script asks for is
/// learnt from the tenants that succeeded: once the first <see cref="Learning"/> all asked for a scope, and as long as
/// every one after them did too, each worker fetches that scope for the tenant it will take after the current one.
/// A scope that some succeeded tenant did not ask for is never fetched ahead again in the run, so a script that
/// needs ARM for some tenants only does not get ARM tokens for all.
/// </summary>
internal sealed class TokenPrefetch : IDisposable
{
    /// <summary>Succeeded tenants seen before anything is fetched ahead.</summary>
    public const int Learning = 4;

    private readonly Action<string, string> _fetch;
    private readonly Action _unsubscribe;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _asked = new(StringComparer.Ordinal);
    private int _succeeded;
    private string[] _scopes = [];

    public TokenPrefetch(TokenBroker broker)
    {
        _fetch = broker.Prefetch;
        broker.Requested += Requested;
        _unsubscribe = () => broker.Requested -= Requested;
    }

    /// <summary>Learning from <see cref="Requested"/> calls and fetching through <paramref name="fetch"/> (tests).</summary>
    internal TokenPrefetch(Action<string, string> fetch)
    {
        _fetch = fetch;
        _unsubscribe = () => { };
    }

    /// <summary>The scopes fetched ahead now.</summary>
    public IReadOnlyList<string> Scopes => Volatile.Read(ref _scopes);

    public void Started(string tenant)
    {
        lock (_gate)
        {
            _running[tenant] = [];
        }
    }

    public void Finished(string tenant, bool succeeded)
    {
        lock (_gate)
        {
            if (!_running.Remove(tenant, out var asked) || !succeeded)
            {
                return;
            }

            _succeeded++;
            foreach (var scope in asked)
            {
                _asked[scope] = _asked.GetValueOrDefault(scope) + 1;
            }

            Volatile.Write(ref _scopes, _succeeded < Learning ? [] : [.. _asked.Where(p => p.Value == _succeeded).Select(p => p.Key)]);
        }
    }

    /// <summary>Starts fetching the learnt scopes for <paramref name="tenant"/>, which a worker will take next.</summary>
    public void Ahead(string tenant)
    {
        foreach (var scope in Scopes)
        {
            _fetch(tenant, scope);
        }
    }

    public void Dispose() => _unsubscribe();

    /// <summary>A token was asked for: counted for <paramref name="tenant"/> if it is running.</summary>
    public void Requested(string tenant, string scope)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(tenant, out var asked))
            {
                asked.Add(scope);
            }
        }
    }
}

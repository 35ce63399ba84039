using Microsoft.Identity.Client;

namespace Runner.Auth;

/// <summary>
/// Connects MSAL's user token cache to Runner's persistence without serialising on every access: the cache is
/// loaded once, changes only mark it dirty, and a snapshot is taken when <see cref="RequestSnapshot"/> asks.
/// Serialising a cache of thousands of tokens on every exchange would make a large fan-out quadratic.
/// The serialized cache is asked of <c>load</c> at MSAL's first access, not held from the start: a run that finds
/// every token in Runner's index never needs MSAL, and tens of megabytes would otherwise stay alive for nothing.
/// </summary>
internal sealed class MsalCacheBinding
{
    private readonly object _sync = new();
    private Func<byte[]?>? _load;
    private bool _loaded;
    private bool _snapshotRequested;
    private Func<byte[], byte[]>? _repair;
    private readonly Func<byte[], byte[]>? _takeOut;
    private readonly int _takeOutEvery;
    private int _writes;
    private bool _takeOutDue;

    /// <param name="cache">MSAL's cache of one client.</param>
    /// <param name="load">The serialized cache, asked at MSAL's first access; null for none.</param>
    /// <param name="takeOut">Takes what MSAL need not hold out of its serialized cache (see <see cref="CustomerEntries"/>)
    /// and returns the rest: applied to the loaded cache, and after every <paramref name="takeOutEvery"/> writes.</param>
    /// <param name="takeOutEvery">Writes between two take-outs: each costs a serialisation of what MSAL holds, so MSAL
    /// is let hold a few tenants' tokens rather than reserialised after each.</param>
    public MsalCacheBinding(ITokenCache cache, Func<byte[]?>? load, Func<byte[], byte[]>? takeOut = null, int takeOutEvery = 16)
    {
        _load = load;
        _takeOut = takeOut;
        _takeOutEvery = takeOutEvery;
        cache.SetBeforeAccess(BeforeAccess);
        cache.SetAfterAccess(AfterAccess);
    }

    /// <summary>True once MSAL has accessed the cache (and so holds the loaded contents).</summary>
    public bool IsLoaded
    {
        get
        {
            lock (_sync)
            {
                return _loaded;
            }
        }
    }

    /// <summary>True when the cache changed since the last snapshot.</summary>
    public bool IsDirty { get; private set; }

    private byte[]? _snapshot;

    /// <summary>The snapshot the last access took, handed over once: at 10,000 tenants it is 5 MB per client, which a
    /// long-lived process (a host, the run server) would otherwise keep until its next save.</summary>
    public byte[]? TakeSnapshot()
    {
        lock (_sync)
        {
            var snapshot = _snapshot;
            _snapshot = null;
            return snapshot;
        }
    }

    /// <summary>The next cache access rewrites the cache through <paramref name="repair"/> first (and marks it dirty,
    /// so the repaired cache is saved).</summary>
    public void RequestRepair(Func<byte[], byte[]> repair)
    {
        lock (_sync)
        {
            // Two repairs asked before the next access both apply, in order.
            var pending = _repair;
            _repair = pending is null ? repair : cache => repair(pending(cache));
        }
    }

    /// <summary>The next cache access will serialise the cache, for <see cref="TakeSnapshot"/>.</summary>
    public void RequestSnapshot()
    {
        lock (_sync)
        {
            _snapshotRequested = true;
        }
    }

    private void BeforeAccess(TokenCacheNotificationArgs args)
    {
        lock (_sync)
        {
            if (!_loaded)
            {
                if (_load?.Invoke() is { Length: > 0 } initial)
                {
                    args.TokenCache.DeserializeMsalV3(_takeOut is null ? initial : _takeOut(initial), shouldClearExistingCache: true);
                }

                _load = null;
                _loaded = true;
            }

            if (_repair is { } repair)
            {
                _repair = null;
                args.TokenCache.DeserializeMsalV3(repair(args.TokenCache.SerializeMsalV3()), shouldClearExistingCache: true);
                IsDirty = true;
            }

            if (_takeOutDue && _takeOut is not null)
            {
                // The entries taken out are saved from where they went; the cache stays dirty until the next snapshot.
                var all = args.TokenCache.SerializeMsalV3();
                if (_takeOut(all) is var rest && !ReferenceEquals(rest, all))
                {
                    args.TokenCache.DeserializeMsalV3(rest, shouldClearExistingCache: true);
                }

                _takeOutDue = false;
                _writes = 0;
            }
        }
    }

    private void AfterAccess(TokenCacheNotificationArgs args)
    {
        lock (_sync)
        {
            if (args.HasStateChanged)
            {
                IsDirty = true;
                _takeOutDue |= ++_writes >= _takeOutEvery;
            }

            if (_snapshotRequested)
            {
                _snapshot = args.TokenCache.SerializeMsalV3();
                _snapshotRequested = false;
                IsDirty = false;
            }
        }
    }
}

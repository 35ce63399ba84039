using Microsoft.Identity.Client;

namespace Runner.Auth;

/// <summary>
/// MSAL clients that share one account and split its tenants between them. MSAL keeps every token of an account
/// in one partition and scans it on each silent lookup and each save, so one client serving 10,000 tenants
/// (20,000 tokens) spends ever more CPU per token: about a third more per tenant at 10,000 tenants than at 1,000.
/// With the tenants spread over <see cref="Count"/> clients each scans a sixteenth. Every client holds a copy of the
/// refresh token (it stays valid when another copy is redeemed); saving puts the clients' caches back together
/// with the newest refresh token (<see cref="MsalCachePartitions.Combine"/>).
/// </summary>
internal sealed class MsalShards
{
    /// <summary>Clients per broker. Sixteen keeps a 10,000-tenant cache to about 1,300 tokens per client.</summary>
    public const int DefaultCount = 16;

    private readonly Shard[] _shards;
    private readonly Lazy<byte[]?[]?> _pieces;
    private readonly Func<string?> _homeTenant;

    /// <param name="build">Builds one MSAL client.</param>
    /// <param name="load">The persisted cache, asked once, at the first MSAL access of any client; null for none.</param>
    /// <param name="homeTenant">The partner tenant's id once known: its entries go to every client.</param>
    /// <param name="taken">Told of each customer tenant's access token taken out of the clients (<see cref="CustomerEntries"/>).</param>
    public MsalShards(Func<IClientApplicationBase> build, Func<byte[]?>? load, Func<string?> homeTenant, int count = DefaultCount,
        Action<string, IReadOnlySet<string>>? taken = null)
    {
        _homeTenant = homeTenant;
        Customers = new CustomerEntries(taken);
        _pieces = new Lazy<byte[]?[]?>(() => load?.Invoke() is { Length: > 0 } all ? MsalCachePartitions.Split(all, homeTenant(), count) : null);
        _shards = new Shard[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var app = build();
            _shards[i] = new Shard(app, new MsalCacheBinding(app.UserTokenCache, load is null ? null : () => Take(index), TakeOutCustomers));
        }
    }

    public int Count => _shards.Length;

    /// <summary>The customer tenants' entries, which the clients hold only until their next few accesses.</summary>
    public CustomerEntries Customers { get; }

    private byte[] TakeOutCustomers(byte[] cache) => _homeTenant() is { } home ? Customers.TakeFrom(cache, home) : cache;

    /// <summary>A client's piece of the file, handed over once: MSAL holds it from then on (and saves it from there).</summary>
    private byte[]? Take(int index)
    {
        var pieces = _pieces.Value;
        return pieces is null ? null : Interlocked.Exchange(ref pieces[index], null);
    }

    /// <summary>The client that imports a refresh token (and whose cache is copied to the others afterwards).</summary>
    public Shard Home => _shards[0];

    /// <summary>True when any client's cache changed since the last snapshot.</summary>
    public bool IsDirty => _shards.Any(s => s.Cache.IsDirty);

    public Shard For(string tenant) => _shards[MsalCachePartitions.Of(tenant, _shards.Length)];

    /// <summary>Every client's cache as one, for saving. Clients MSAL never used give their piece of the file as it was.</summary>
    public async Task<MsalCachePieces> SnapshotAsync(string homeAccountId)
    {
        var parts = new List<(byte[] Cache, DateTimeOffset RedeemedAt)>(_shards.Length);
        for (var i = 0; i < _shards.Length; i++)
        {
            var shard = _shards[i];
            if (!shard.Cache.IsLoaded)
            {
                if (_pieces.IsValueCreated && _pieces.Value?[i] is { } piece)
                {
                    parts.Add((piece, DateTimeOffset.MinValue));
                }

                continue;
            }

            shard.Cache.RequestSnapshot();
            await shard.App.GetAccountAsync(homeAccountId);
            if (shard.Cache.TakeSnapshot() is { } snapshot)
            {
                // Small: MSAL holds the partner's entries and the last few tenants' only (see CustomerEntries).
                parts.Add((snapshot, shard.RedeemedAt));
            }
        }

        return MsalCachePartitions.Combine(parts, _homeTenant(), Customers.Entries());
    }

    /// <summary>After a refresh token was imported into <see cref="Home"/>: every other client gets it (and the account)
    /// at its next access, merged into what it holds.</summary>
    public async Task ShareHomeAsync(string homeAccountId, DateTimeOffset redeemedAt)
    {
        Home.Cache.RequestSnapshot();
        await Home.App.GetAccountAsync(homeAccountId);
        if (Home.Cache.TakeSnapshot() is not { } home)
        {
            return;
        }

        foreach (var shard in _shards.Skip(1))
        {
            shard.Cache.RequestRepair(mine => mine.Length == 0 ? home : MsalCacheMerger.Merge(home, redeemedAt, mine, DateTimeOffset.MinValue));
        }
    }

    /// <summary>One MSAL client and its cache.</summary>
    internal sealed class Shard(IClientApplicationBase app, MsalCacheBinding cache)
    {
        private long _redeemedAtTicks = DateTimeOffset.MinValue.UtcTicks;

        public IClientApplicationBase App { get; } = app;

        public MsalCacheBinding Cache { get; } = cache;

        /// <summary>When this client last redeemed the refresh token (so holds the newest copy), by Runner's clock.</summary>
        public DateTimeOffset RedeemedAt
        {
            get => new(Interlocked.Read(ref _redeemedAtTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _redeemedAtTicks, value.UtcTicks);
        }
    }
}

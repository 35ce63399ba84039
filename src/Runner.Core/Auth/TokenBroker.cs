using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using Runner.Clouds;
using Runner.Http;
using Runner.Redaction;

namespace Runner.Auth;

/// <summary>
/// The Secure Application Model's exchange step on MSAL: one account (the partner admin who consented), and
/// per-tenant, per-resource access tokens through AcquireTokenSilent(...).WithTenantId(...), on MSAL clients that
/// split the tenants between them so a lookup stays cheap at 10,000 tenants (<see cref="MsalShards"/>).
/// Concurrent first requests for the same tenant and scope share one exchange; a token is reused until five
/// minutes before it expires (across runs too: tokens of the persisted cache are served from an index, see
/// <see cref="PersistedAccessTokens"/>); a refusal is remembered for the run so a broken tenant is asked once, while
/// a transient failure (throttling, 5xx, no answer) is retried a few times and never remembered.
/// </summary>
internal sealed class TokenBroker : IAsyncDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per exchange when the token service is throttling or unavailable (MSAL itself retries a 5xx once).</summary>
    private const int TransientAttempts = 3;

    private static readonly TimeSpan MaxTransientDelay = TimeSpan.FromSeconds(30);

    private readonly PartnerApplication _application;
    private readonly CloudEndpoints _cloud;
    private readonly CredentialStore _credentials;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CloudHttp _http;
    private MsalShards _msal;
    private bool _publicClient;
    private readonly SemaphoreSlim _exchangeLimit;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<(string Tenant, string Scope), Lazy<Task<BrokeredToken>>> _tokens = new();
    private readonly PersistedAccessTokens _persisted;
    private readonly TimeSpan _retryDelay;
    private IAccount? _account;
    private CredentialMetadata? _metadata;
    private DateTimeOffset _ownRedeemedAt;
    private string? _reimportedVersion;
    private TokenCacheFile.FileVersion? _basis;
    private long _exchanges;

    // Guards the fields a token acquisition reads and others write concurrently: the client and its cache (swapped by
    // an import), the account, the credential metadata and the last redemption time (a DateTimeOffset, which a
    // reader could otherwise see half-written). Held only for the reads and writes themselves, never across an await.
    private readonly Lock _state = new();

    public TokenBroker(
        PartnerApplication application,
        CloudEndpoints cloud,
        CloudHttp http,
        CredentialStore credentials,
        SecretRedactor redactor,
        TimeProvider time,
        ILogger log,
        int maxConcurrentExchanges,
        TimeSpan? retryDelay = null)
    {
        _retryDelay = retryDelay ?? TimeSpan.FromSeconds(1);
        _application = application;
        _cloud = cloud;
        _credentials = credentials;
        _redactor = redactor;
        _time = time;
        _log = log;
        _exchangeLimit = new SemaphoreSlim(maxConcurrentExchanges, maxConcurrentExchanges);
        redactor.Add(application.ClientSecret);

        _http = http;

        // Read once for the metadata and the index of still-valid tokens; the file's bytes are not kept (MSAL reads
        // the file again if it is needed at all: see MsalCacheBinding).
        var (exists, metadata, version, persisted) = ReadStored(credentials, application.ClientId, time.GetUtcNow() + RefreshMargin);
        _metadata = metadata;
        _basis = version;
        _ownRedeemedAt = _metadata?.LastRedeemedAt ?? DateTimeOffset.MinValue;
        _publicClient = _metadata?.PublicClient ?? false;
        _msal = Build(_publicClient, exists ? LoadMsal : null);
        _persisted = persisted;
        // The file's bytes are garbage now, on the large object heap, which only a full collection frees: without one
        // they stay resident on top of everything the run allocates. Small caches are left to the GC.
        if (persisted.Tokens >= LargeIndex)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        }
    }

    /// <summary>From this many persisted tokens on (about 8 MB of cache) the file's bytes are let go of at once.</summary>
    private const int LargeIndex = 2_000;

    /// <summary>The metadata, the file's version and the index of still-valid tokens. The file's bytes (80 MB at 10,000
    /// tenants) go out of scope here, not in the constructor's frame, so they are garbage as soon as the index is built.</summary>
    private static (bool Exists, CredentialMetadata? Metadata, TokenCacheFile.FileVersion? Version, PersistedAccessTokens Persisted) ReadStored(
        CredentialStore credentials, string clientId, DateTimeOffset validAfter)
    {
        var stored = credentials.LoadCache();
        return (stored is not null, stored?.Metadata, stored?.Version, PersistedAccessTokens.Read(stored?.Msal, stored?.Metadata?.HomeAccountId, clientId, validAfter));
    }

    /// <summary>MSAL's serialized cache from the file as it is now, for MSAL's first access.</summary>
    private byte[]? LoadMsal()
    {
        try
        {
            return _credentials.LoadCache()?.Msal.ToArray();
        }
        catch (State.StateException e)
        {
            // Damaged since this process read it: start MSAL empty (the stored refresh token is imported again).
            _log.LogWarning("The token cache could not be read again: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>
    /// The MSAL client that redeems the refresh token the way Entra accepts it: a token from the device code flow
    /// belongs to a public client and is refused with the app's secret or certificate (AADSTS700025); one from the
    /// browser consent belongs to the confidential client and is refused without them (AADSTS7000218).
    /// </summary>
    private MsalShards Build(bool publicClient, Func<byte[]?>? msal) => new(
        () => publicClient
            ? MsalClients.Public(_application, _cloud, _http, _log).Build()
            : MsalClients.Confidential(_application, _cloud, _http, _log).Build(),
        msal,
        () => Metadata?.PartnerTenantId,
        taken: Forget);

    /// <summary>The partner application this broker signs in as (for the consent flow, which uses the same registration).</summary>
    public PartnerApplication Application => _application;

    /// <summary>The partner tenant's id once known (after the first token), else as configured.</summary>
    public string PartnerTenant => Metadata?.PartnerTenantId ?? _application.Tenant;

    public CredentialMetadata? Metadata
    {
        get
        {
            lock (_state)
            {
                return _metadata;
            }
        }
    }

    /// <summary>Whether the persisted cache holds a usable token for the tenant and scope (no request is made).</summary>
    public bool HasPersistedToken(string tenant, string scope) => _persisted.Find(tenant, scope, _time.GetUtcNow() + RefreshMargin) is not null;

    /// <summary>Tokens remembered for the run (fetched, and not yet handed from MSAL to <see cref="CustomerEntries"/>).</summary>
    internal int RememberedTokens => _tokens.Count;

    /// <summary>Token requests that reached the token endpoint in this process.</summary>
    public long Exchanges => Interlocked.Read(ref _exchanges);

    /// <summary>
    /// An access token for <paramref name="scope"/> in <paramref name="tenant"/> (a GUID where possible). Partner
    /// Center tokens are always the partner tenant's, whatever tenant is named: Partner Center accepts App+User tokens
    /// of the partner tenant only ("Partner Center authentication"), so a customer-tenant token would only be refused.
    /// </summary>
    public async ValueTask<BrokeredToken> GetTokenAsync(string tenant, string scope, CancellationToken cancellationToken)
    {
        Requested?.Invoke(tenant, scope);
        if (IsPartnerCenter(scope))
        {
            tenant = PartnerTenant;
        }

        var key = (tenant.ToLowerInvariant(), scope);
        if (!_tokens.ContainsKey(key) && _persisted.Find(key.Item1, scope, _time.GetUtcNow() + RefreshMargin) is { } persisted)
        {
            // Not remembered for the run: the index holds it as bytes already, and 10,000 tenants' tokens as strings
            // would stay in memory to the end of the run. (The redactor keeps only tokens that are not JWTs.)
            _redactor.Add(persisted.Value);
            return persisted;
        }

        if (FindTaken(key.Item1, scope) is { } taken)
        {
            // Taken out of MSAL earlier in this process: served from bytes, for the same reason.
            return taken;
        }

        var forceRefresh = false;
        while (true)
        {
            var force = forceRefresh;
            var entry = _tokens.GetOrAdd(key, k => new Lazy<Task<BrokeredToken>>(() => AcquireAsync(k.Tenant, k.Scope, force)));
            BrokeredToken token;
            try
            {
                token = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (TokenAcquisitionException e) when (e.IsTransient)
            {
                // A transient failure is not remembered: the next caller tries again.
                _tokens.TryRemove(new KeyValuePair<(string, string), Lazy<Task<BrokeredToken>>>(key, entry));
                throw;
            }

            if (token.ExpiresOn - _time.GetUtcNow() > RefreshMargin || forceRefresh)
            {
                // A token straight from the service is used even if it is short-lived: asking again would not help.
                return token;
            }

            // Expiring by Runner's clock: MSAL judges its cache by the machine's clock, so ask the service directly.
            _tokens.TryRemove(new KeyValuePair<(string, string), Lazy<Task<BrokeredToken>>>(key, entry));
            forceRefresh = true;
        }
    }

    /// <summary>Raised for every token asked for through <see cref="GetTokenAsync"/> (the tenant as asked, the scope):
    /// <see cref="Execution.TokenPrefetch"/> learns from it which scopes a script asks for.</summary>
    public event Action<string, string>? Requested;

    /// <summary>
    /// Starts acquiring <paramref name="scope"/> for <paramref name="tenant"/> before anyone asks, unless a token is at
    /// hand or on its way; a later <see cref="GetTokenAsync"/> joins it. A transient failure is forgotten, so the later
    /// request tries again as it would have; any other failure is the one that request would have met itself.
    /// </summary>
    public void Prefetch(string tenant, string scope)
    {
        if (IsPartnerCenter(scope))
        {
            // The partner's one Partner Center token serves every tenant; it is at hand after the first.
            return;
        }

        var key = (tenant.ToLowerInvariant(), scope);
        if (_tokens.ContainsKey(key) || _persisted.Has(key.Item1, scope, _time.GetUtcNow() + RefreshMargin))
        {
            return;
        }

        var entry = _tokens.GetOrAdd(key, k => new Lazy<Task<BrokeredToken>>(() => AcquireAsync(k.Tenant, k.Scope, forceRefresh: false)));
        _ = entry.Value.ContinueWith(
            task =>
            {
                if (task.IsCanceled || task.Exception?.InnerException is TokenAcquisitionException { IsTransient: true })
                {
                    _tokens.TryRemove(new KeyValuePair<(string, string), Lazy<Task<BrokeredToken>>>(key, entry));
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>A still-valid token that MSAL's clients handed to <see cref="CustomerEntries"/>.</summary>
    private BrokeredToken? FindTaken(string tenant, string scope)
    {
        var (msal, account) = Client();
        if (msal.Customers.Find(tenant, scope, account?.HomeAccountId.Identifier, _time.GetUtcNow() + RefreshMargin) is not { } token)
        {
            return null;
        }

        _redactor.Add(token.Value);
        return token;
    }

    /// <summary>
    /// A customer tenant's token was taken out of MSAL's clients: the run stops remembering it too (it is served from
    /// <see cref="CustomerEntries"/>'s bytes), or 10,000 tenants' tokens would stay in memory as strings to the end.
    /// Only a finished, successful acquisition is forgotten; one in flight is shared with its waiters as before.
    /// </summary>
    private void Forget(string realm, IReadOnlySet<string> scopes)
    {
        var tenant = realm.ToLowerInvariant();
        foreach (var scope in scopes)
        {
            if (_tokens.TryGetValue((tenant, scope), out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                _tokens.TryRemove(new KeyValuePair<(string, string), Lazy<Task<BrokeredToken>>>((tenant, scope), entry));
            }
        }
    }

    private bool IsPartnerCenter(string scope)
    {
        var resource = _cloud.PartnerCenterScope[.._cloud.PartnerCenterScope.LastIndexOf('/')];
        return scope.StartsWith(resource + "/", StringComparison.OrdinalIgnoreCase) || string.Equals(scope, resource, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Redeems the refresh token now (for the partner tenant and Partner Center), so Entra issues a new one and the
    /// 90-day inactivity window starts again. The caller saves the rotated token with <see cref="FlushAsync(bool, CancellationToken)"/>.
    /// </summary>
    public async Task<BrokeredToken> RedeemAsync(CancellationToken cancellationToken)
    {
        var token = await AcquireAsync(PartnerTenant, _cloud.PartnerCenterScope, forceRefresh: true).WaitAsync(cancellationToken);
        _tokens[(PartnerTenant.ToLowerInvariant(), _cloud.PartnerCenterScope)] = new Lazy<Task<BrokeredToken>>(Task.FromResult(token));
        return token;
    }

    /// <summary>Saves the token cache and writes a rotated refresh token back to the secret store, as policy says.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await FlushAsync(forceWriteBack: false, cancellationToken);

    /// <summary>Saves the token cache and writes the refresh token back as policy says, or always with <paramref name="forceWriteBack"/>.</summary>
    public async Task FlushAsync(bool forceWriteBack, CancellationToken cancellationToken)
    {
        var (msal, account) = Client();
        if (account is null || (!msal.IsDirty && !forceWriteBack))
        {
            return;
        }

        var snapshot = await msal.SnapshotAsync(account.HomeAccountId.Identifier);
        _log.LogDebug("Saving the token cache ({Bytes} bytes)", snapshot.Length);
        CredentialMetadata? metadata;
        lock (_state)
        {
            metadata = _metadata is null ? null : _metadata with { LastRedeemedAt = _ownRedeemedAt };
        }

        if (metadata is not null)
        {
            TokenCacheFile.FileVersion? basis;
            lock (_state)
            {
                basis = _basis;
            }

            var (saved, version) = await _credentials.SaveAsync(metadata, snapshot, basis, forceWriteBack, cancellationToken);
            lock (_state)
            {
                _metadata = saved;
                _basis = version;
            }
        }
    }

    private async Task<BrokeredToken> AcquireAsync(string tenant, string scope, bool forceRefresh)
    {
        if (!forceRefresh && _persisted.Find(tenant, scope, _time.GetUtcNow() + RefreshMargin) is { } persisted)
        {
            _redactor.Add(persisted.Value);
            return persisted;
        }

        if (!forceRefresh && FindTaken(tenant, scope) is { } taken)
        {
            // Taken out of MSAL (and out of the run's memory, see Forget) since the caller looked.
            return taken;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AcquireOnceAsync(tenant, scope, forceRefresh);
            }
            catch (TokenAcquisitionException e) when (e.IsTransient && attempt < TransientAttempts && !_lifetime.IsCancellationRequested)
            {
                var delay = TransientDelay(e, attempt);
                _log.LogDebug("Token for {Tenant} ({Scope}): {Problem}; trying again in {Delay}", tenant, scope, e.Problem, delay);
                await Task.Delay(delay, _time, _lifetime.Token);
            }
        }
    }

    /// <summary>The service's Retry-After when it sent one, else exponential backoff with jitter.</summary>
    private TimeSpan TransientDelay(TokenAcquisitionException error, int attempt)
    {
        var retryAfter = (error.InnerException as MsalServiceException)?.Headers?.RetryAfter;
        var delay = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - _time.GetUtcNow() : (TimeSpan?)null)
            ?? _retryDelay * Math.Pow(2, attempt - 1) * (0.8 + Random.Shared.NextDouble() * 0.4);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTransientDelay ? MaxTransientDelay : delay;
    }

    private async Task<BrokeredToken> AcquireOnceAsync(string tenant, string scope, bool forceRefresh)
    {
        var isPartner = string.Equals(tenant, PartnerTenant, StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(tenant, _application.Tenant, StringComparison.OrdinalIgnoreCase);
        await EnsureAccountAsync(scope);
        try
        {
            return await SilentAsync(tenant, scope, forceRefresh, isPartner);
        }
        catch (TokenAcquisitionException e) when (e.Problem is AuthProblem.RefreshTokenExpired or AuthProblem.RefreshTokenRevoked)
        {
            if (!await TryReimportAsync(scope))
            {
                throw;
            }
        }

        // The secret store held a newer refresh token (for example from a consent on another machine): use it.
        return await SilentAsync(tenant, scope, forceRefresh, isPartner);
    }

    private async Task<BrokeredToken> SilentAsync(string tenant, string scope, bool forceRefresh, bool isPartner)
    {
        await _exchangeLimit.WaitAsync(_lifetime.Token);
        var (msal, account) = Client();
        var shard = msal.For(tenant);
        try
        {
            AuthenticationResult result;
            try
            {
                result = await shard.App.AcquireTokenSilent([scope], account).WithTenantId(tenant).WithForceRefresh(forceRefresh).ExecuteAsync(_lifetime.Token);
            }
            catch (MsalClientException e) when (e.ErrorCode == MsalError.MultipleTokensMatchedError)
            {
                // Overlapping access tokens, left by an older Runner or merged from another process: MSAL would refuse
                // this lookup until the cache is cleared, so drop the older ones (as MSAL does on saving) and ask again.
                _log.LogInformation("The token cache held overlapping access tokens for {Tenant}; keeping the newest", tenant);
                shard.Cache.RequestRepair(MsalCacheRepair.RemoveOverlappingAccessTokens);
                result = await shard.App.AcquireTokenSilent([scope], account).WithTenantId(tenant).WithForceRefresh(forceRefresh).ExecuteAsync(_lifetime.Token);
            }

            Track(result, shard);
            _log.LogDebug("Token for {Tenant} ({Scope}) from {Source}", tenant, scope, result.AuthenticationResultMetadata.TokenSource);
            return new BrokeredToken(result.AccessToken, ExpiresOn(result), result.TenantId ?? tenant);
        }
        catch (Exception e) when (e is MsalException or HttpRequestException or OperationCanceledException && !_lifetime.IsCancellationRequested)
        {
            var translated = AuthErrorTranslator.Translate(e, tenant, isPartner);
            _log.LogDebug("Token for {Tenant} ({Scope}) refused: {Problem} {Code}", tenant, scope, translated.Problem, translated.Aadsts);
            throw translated;
        }
        finally
        {
            _exchangeLimit.Release();
        }
    }

    /// <summary>
    /// When the token stops working, on the issuer's clock: the exp claim of a JWT access token. MSAL reckons its
    /// cache on the machine's clock, which may differ from Runner's (the sandbox's runs ahead in tests); for an
    /// opaque token the remaining lifetime MSAL reports is carried over to Runner's clock.
    /// </summary>
    private DateTimeOffset ExpiresOn(AuthenticationResult result) =>
        AccessTokenExpiry.Read(result.AccessToken) ?? _time.GetUtcNow() + (result.ExpiresOn - TimeProvider.System.GetUtcNow());

    /// <summary>Imports the stored refresh token once, when it is newer than the one in the local cache.</summary>
    private async Task<bool> TryReimportAsync(string scope)
    {
        await _initLock.WaitAsync(_lifetime.Token);
        try
        {
            CredentialMetadata? metadata;
            DateTimeOffset ownRedeemedAt;
            lock (_state)
            {
                (metadata, ownRedeemedAt) = (_metadata, _ownRedeemedAt);
            }

            if (metadata is null)
            {
                return false;
            }

            var stored = await _credentials.ReadRefreshTokenAsync(_lifetime.Token);
            if (stored is null || stored.Version == _reimportedVersion ||
                !(CredentialStore.IssuedAt(stored) > ownRedeemedAt || CredentialStore.ConsentedAt(stored) > metadata.ConsentedAt))
            {
                return false;
            }

            _reimportedVersion = stored.Version;
            _log.LogInformation("The cached refresh token was refused; importing the newer one from the {Store}", _credentials.StoreDescription);
            _tokens.Clear();
            await ImportAsync(scope, stored);
            return true;
        }
        catch (TokenAcquisitionException)
        {
            return false;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Finds the consented account in the cache, or imports the stored refresh token once.</summary>
    private async Task EnsureAccountAsync(string scope)
    {
        if (_account is not null)
        {
            return;
        }

        await _initLock.WaitAsync(_lifetime.Token);
        try
        {
            if (_account is not null)
            {
                return;
            }

            if (Metadata is { } metadata)
            {
                var account = await Client().Msal.Home.App.GetAccountAsync(metadata.HomeAccountId);
                lock (_state)
                {
                    _account = account;
                }
            }

            if (Client().Account is null)
            {
                var stored = await _credentials.ReadRefreshTokenAsync(_lifetime.Token)
                    ?? throw new TokenAcquisitionException(AuthProblem.CredentialMissing, _application.Tenant,
                        $"No partner refresh token is stored ({_credentials.StoreDescription}). Run `runner consent` to sign in once as a partner admin.", null, needsOperator: true);
                await ImportAsync(scope, stored);
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    private async Task ImportAsync(string scope, Secrets.StoredSecret stored)
    {
        _redactor.Add(stored.Value);
        var publicClient = CredentialStore.IsPublicClient(stored);
        if (publicClient != _publicClient)
        {
            // The stored token was obtained by the other kind of client (e.g. a device code consent on another
            // machine): what the local cache holds belongs to the old one, so start from an empty cache.
            _log.LogDebug("The stored refresh token belongs to a {Kind} client", publicClient ? "public" : "confidential");
            var msal = Build(publicClient, null);
            lock (_state)
            {
                _publicClient = publicClient;
                _msal = msal;
            }
        }

        try
        {
            var shards = Client().Msal;
            var result = await ((IByRefreshToken)shards.Home.App).AcquireTokenByRefreshToken([scope], stored.Value).ExecuteAsync(_lifetime.Token);
            Track(result, shards.Home);
            await shards.ShareHomeAsync(result.Account.HomeAccountId.Identifier, _time.GetUtcNow());
            var now = _time.GetUtcNow();
            var metadata = new CredentialMetadata(
                result.Account.HomeAccountId.Identifier,
                result.Account.Username,
                result.Account.HomeAccountId.TenantId,
                CredentialStore.ConsentedAt(stored) ?? now,
                now,
                stored.UpdatedOn == DateTimeOffset.MinValue ? null : stored.UpdatedOn,
                CredentialStore.IssuedAt(stored),
                PublicClient: publicClient);
            lock (_state)
            {
                _account = result.Account;
                _metadata = metadata;
                _ownRedeemedAt = now;
            }

            _log.LogInformation("Imported the stored refresh token for {User}", result.Account.Username);
        }
        catch (Exception e) when (e is MsalException or HttpRequestException || e is OperationCanceledException && !_lifetime.IsCancellationRequested)
        {
            // An unreachable token endpoint (connection refused, DNS, a timeout) is the service's problem, said as such
            // (and retried as transient), never "a bug in Runner".
            throw AuthErrorTranslator.Translate(e, _application.Tenant, isPartnerTenant: true);
        }
    }

    private void Track(AuthenticationResult result, MsalShards.Shard shard)
    {
        _redactor.Add(result.AccessToken);
        if (result.AuthenticationResultMetadata.TokenSource == TokenSource.IdentityProvider)
        {
            Interlocked.Increment(ref _exchanges);
            var now = _time.GetUtcNow();
            shard.RedeemedAt = now;
            lock (_state)
            {
                _ownRedeemedAt = now;
                if (_metadata is not null)
                {
                    _metadata = _metadata with { LastRedeemedAt = now };
                }
            }
        }
    }

    private (MsalShards Msal, IAccount? Account) Client()
    {
        lock (_state)
        {
            return (_msal, _account);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        finally
        {
            await _lifetime.CancelAsync();
            _lifetime.Dispose();
        }
    }
}

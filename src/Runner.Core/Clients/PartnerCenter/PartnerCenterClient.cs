using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Runner.Clients.PartnerCenter;

/// <summary>
/// The <c>PartnerCenter</c> global: a typed Partner Center REST client, authenticated as the partner (App+User).
/// Calls "about this customer" default to the tenant the script runs for. Retries on 429 (honouring Retry-After)
/// and 5xx are built in, and a run shares one concurrency limit across all tenants.
/// </summary>
public sealed class PartnerCenterClient
{
    private readonly HttpClient _http;
    private readonly CancellationToken _defaultCancellation;

    internal PartnerCenterClient(HttpClient http, string? customerId, CancellationToken defaultCancellation)
    {
        _http = http;
        CustomerId = customerId;
        _defaultCancellation = defaultCancellation;
    }

    /// <summary>The customer calls default to; null for a partner-level job.</summary>
    public string? CustomerId { get; }

    /// <summary>Every customer of the partner, following continuation tokens across pages.</summary>
    public async IAsyncEnumerable<PartnerCenterCustomer> GetCustomersAsync(int pageSize = 200, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ct = Token(cancellationToken);
        var path = $"customers?size={Math.Clamp(pageSize, 1, 500)}";
        string? continuation = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (continuation is not null)
            {
                request.Headers.Add("MS-ContinuationToken", continuation);
            }

            var page = await SendAsync<PartnerCenterWire.Collection<PartnerCenterWire.Customer>>(request, ct);
            foreach (var customer in page.Items ?? [])
            {
                yield return PartnerCenterWire.ToCustomer(customer);
            }

            var next = page.Links?.Next;
            continuation = next?.Headers?.FirstOrDefault(h => string.Equals(h.Key, "MS-ContinuationToken", StringComparison.OrdinalIgnoreCase))?.Value;
            path = next is null ? "" : next.Uri.TrimStart('/');
        }
        while (continuation is not null && path.Length > 0);
    }

    /// <summary>All customers as a list.</summary>
    public async Task<IReadOnlyList<PartnerCenterCustomer>> ListCustomersAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<PartnerCenterCustomer>();
        await foreach (var customer in GetCustomersAsync(cancellationToken: cancellationToken))
        {
            list.Add(customer);
        }

        return list;
    }

    /// <summary>One customer; this tenant's when <paramref name="customerId"/> is omitted.</summary>
    public async Task<PartnerCenterCustomer> GetCustomerAsync(string? customerId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"customers/{Customer(customerId)}");
        return PartnerCenterWire.ToCustomer(await SendAsync<PartnerCenterWire.Customer>(request, Token(cancellationToken)));
    }

    /// <summary>The customer's subscriptions; this tenant's when <paramref name="customerId"/> is omitted.</summary>
    public async Task<IReadOnlyList<PartnerCenterSubscription>> GetSubscriptionsAsync(string? customerId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"customers/{Customer(customerId)}/subscriptions");
        var page = await SendAsync<PartnerCenterWire.Collection<JsonElement>>(request, Token(cancellationToken));
        return (page.Items ?? []).Select(PartnerCenterWire.ToSubscription).ToList();
    }

    /// <summary>The customer's licences per product: bought, active, assigned and free ("Get a list of available
    /// licenses"); this tenant's when <paramref name="customerId"/> is omitted.</summary>
    /// <example><code>
    /// foreach (var sku in await PartnerCenter.GetSubscribedSkusAsync())
    ///     Console.WriteLine($"{sku.Name}: {sku.ConsumedUnits} of {sku.ActiveUnits} assigned");
    /// </code></example>
    public async Task<IReadOnlyList<PartnerCenterSubscribedSku>> GetSubscribedSkusAsync(string? customerId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"customers/{Customer(customerId)}/subscribedskus");
        var page = await SendAsync<PartnerCenterWire.Collection<JsonElement>>(request, Token(cancellationToken));
        return (page.Items ?? []).Select(PartnerCenterWire.ToSubscribedSku).ToList();
    }

    /// <summary>The request for the page links.next names, with its continuation token header.</summary>
    private static HttpRequestMessage NextPage(PartnerCenterWire.Link next)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, next.Uri.TrimStart('/'));
        if (next.Headers?.FirstOrDefault(h => string.Equals(h.Key, "MS-ContinuationToken", StringComparison.OrdinalIgnoreCase)) is { } token)
        {
            request.Headers.Add("MS-ContinuationToken", token.Value);
        }

        return request;
    }

    /// <summary>The customer's user accounts ("Get all user accounts for a customer"); this tenant's when
    /// <paramref name="customerId"/> is omitted. Follows links.next while Partner Center pages.</summary>
    public async Task<IReadOnlyList<PartnerCenterUser>> GetUsersAsync(string? customerId = null, CancellationToken cancellationToken = default)
    {
        var users = new List<PartnerCenterUser>();
        using var first = new HttpRequestMessage(HttpMethod.Get, $"customers/{Customer(customerId)}/users");
        var page = await SendAsync<PartnerCenterWire.Collection<JsonElement>>(first, Token(cancellationToken));
        users.AddRange((page.Items ?? []).Select(PartnerCenterWire.ToUser));
        while (page.Links?.Next is { } next)
        {
            using var request = NextPage(next);
            page = await SendAsync<PartnerCenterWire.Collection<JsonElement>>(request, Token(cancellationToken));
            users.AddRange((page.Items ?? []).Select(PartnerCenterWire.ToUser));
        }

        return users;
    }

    public async Task<PartnerCenterSubscription> GetSubscriptionAsync(string subscriptionId, string? customerId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"customers/{Customer(customerId)}/subscriptions/{Uri.EscapeDataString(subscriptionId)}");
        return PartnerCenterWire.ToSubscription(await SendAsync<JsonElement>(request, Token(cancellationToken)));
    }

    /// <summary>
    /// Changes a subscription's quantity, as "Change the quantity of licenses in a customer subscription" documents:
    /// a PATCH whose body is the full subscription as read (its attributes carry the etag) with the new quantity; the
    /// etag is also sent as If-Match. If someone changed the subscription since it was read, Partner Center answers
    /// 400 with code 2055 and this throws <see cref="PartnerCenterException"/> with <c>StatusCode</c> 400 and
    /// <c>Code</c> "2055" (<see cref="PartnerCenterException.IsStaleEtag"/>): read the subscription again and retry.
    /// Other refusals: 400 with code 2001/2002 (the subscription's state or the quantity range), 403 (the partner's
    /// roles do not allow it), 404 (no such customer or subscription). A change Partner Center accepts for later
    /// (202 Accepted with a Location) is followed until the result can be read.
    /// </summary>
    /// <example><code>
    /// try { await PartnerCenter.UpdateSubscriptionQuantityAsync(sub, sub.Quantity + 1); }
    /// catch (PartnerCenterException e) when (e.IsStaleEtag) { /* read it again: someone changed it meanwhile */ }
    /// </code></example>
    public Task<PartnerCenterSubscription> UpdateSubscriptionQuantityAsync(PartnerCenterSubscription subscription, int quantity, string? customerId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        return PatchSubscriptionAsync(subscription, "quantity", quantity, customerId, cancellationToken);
    }

    /// <summary>
    /// Suspends a subscription ("Suspend a subscription"): the same PATCH of the full subscription, with status
    /// "suspended"; the same etag rules and errors as <see cref="UpdateSubscriptionQuantityAsync"/>.
    /// </summary>
    public Task<PartnerCenterSubscription> SuspendSubscriptionAsync(PartnerCenterSubscription subscription, string? customerId = null, CancellationToken cancellationToken = default) =>
        PatchSubscriptionAsync(subscription, "status", "suspended", customerId, cancellationToken);

    /// <summary>Reactivates a suspended subscription ("Reactivate a suspended subscription"): status "active".</summary>
    public Task<PartnerCenterSubscription> ReactivateSubscriptionAsync(PartnerCenterSubscription subscription, string? customerId = null, CancellationToken cancellationToken = default) =>
        PatchSubscriptionAsync(subscription, "status", "active", customerId, cancellationToken);

    private async Task<PartnerCenterSubscription> PatchSubscriptionAsync(PartnerCenterSubscription subscription, string property, System.Text.Json.Nodes.JsonNode value, string? customerId, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToNode(subscription.Raw)!.AsObject();
        // The subscription as read may be in either casing: replace the property rather than add a second one.
        foreach (var key in body.Select(p => p.Key).Where(k => string.Equals(k, property, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            body.Remove(key);
        }

        body[property] = value;
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"customers/{Customer(customerId)}/subscriptions/{Uri.EscapeDataString(subscription.Id)}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{subscription.Etag}\""));
        return PartnerCenterWire.ToSubscription(await SendAsync<JsonElement>(request, Token(cancellationToken)));
    }

    /// <summary>GET any Partner Center v1 path (relative, e.g. "customers/{id}/users") as JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, relativePath.TrimStart('/'));
        return await SendAsync<JsonElement>(request, Token(cancellationToken));
    }

    /// <summary>Sends any request to a Partner Center v1 path, with a JSON body when given.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string relativePath, object? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, relativePath.TrimStart('/'));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await SendAsync<JsonElement>(request, Token(cancellationToken));
    }

    /// <summary>How often a 202 Accepted's Location is read before giving up (at its Retry-After, 1–30 s apart).</summary>
    private const int MaxAcceptedPolls = 60;

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        try
        {
            for (var poll = 0; response.StatusCode == System.Net.HttpStatusCode.Accepted && response.Headers.Location is { } location; poll++)
            {
                // Accepted for later: read the Location (the operation or the resource) until it answers otherwise.
                if (poll == MaxAcceptedPolls)
                {
                    throw new PartnerCenterException(202, null,
                        $"Partner Center accepted {request.Method} {request.RequestUri} but the result at {location} was not ready after {MaxAcceptedPolls} reads.", RequestId(response));
                }

                var delay = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : delay, cancellationToken);
                // A relative Location resolves against the v1/ base address as a browser would ("/v1/..." from the host).
                using var next = new HttpRequestMessage(HttpMethod.Get, location);
                response.Dispose();
                response = await _http.SendAsync(next, HttpCompletionOption.ResponseContentRead, cancellationToken);
            }

            return await ReadAsync<T>(request, response, cancellationToken);
        }
        finally
        {
            response.Dispose();
        }
    }

    private static async Task<T> ReadAsync<T>(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(request, response, cancellationToken);
        }

        if (response.StatusCode == System.Net.HttpStatusCode.Accepted && typeof(T) == typeof(JsonElement) && response.Content.Headers.ContentLength is 0 or null)
        {
            // Accepted without a Location: nothing to read back.
            return default!;
        }

        var value = await response.Content.ReadFromJsonAsync<T>(PartnerCenterWire.Options, cancellationToken);
        return value ?? throw new PartnerCenterException((int)response.StatusCode, null, $"Partner Center returned an empty body for {request.Method} {request.RequestUri}.", RequestId(response));
    }

    private static async Task<PartnerCenterException> ToExceptionAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        string? description = null;
        try
        {
            var error = await response.Content.ReadFromJsonAsync<PartnerCenterWire.Error>(PartnerCenterWire.Options, cancellationToken);
            code = error?.Code.ValueKind switch
            {
                JsonValueKind.String => error.Code.GetString(),
                JsonValueKind.Number => error.Code.GetRawText(),
                _ => null,
            };
            description = error?.Description ?? error?.Message;
        }
        catch (JsonException)
        {
        }

        var status = (int)response.StatusCode;
        var path = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : request.RequestUri?.ToString();
        var message = $"Partner Center {request.Method} {path} failed: {status} {response.ReasonPhrase}" +
                      (code is null ? "" : $", code {code}") + (description is null ? "" : $": {description}");
        return new PartnerCenterException(status, code, message, RequestId(response));
    }

    /// <summary>The response's MS-RequestId, or the one Runner sent (a throttling proxy may not echo it).</summary>
    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("MS-RequestId", out var values) ? values.FirstOrDefault()
        : response.RequestMessage?.Headers.TryGetValues("MS-RequestId", out var sent) == true ? sent.FirstOrDefault() : null;

    private string Customer(string? customerId) =>
        Uri.EscapeDataString(customerId ?? CustomerId ?? throw new InvalidOperationException("This is a partner-level job: pass a customerId."));

    private CancellationToken Token(CancellationToken explicitToken) =>
        explicitToken.CanBeCanceled ? explicitToken : _defaultCancellation;
}

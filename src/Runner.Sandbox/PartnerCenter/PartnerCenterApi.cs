using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;
using Runner.Sandbox.Identity;

namespace Runner.Sandbox.PartnerCenter;

/// <summary>Partner Center REST v1: customers and their subscriptions, App+User tokens with MFA only.</summary>
internal sealed class PartnerCenterApi(SandboxContext context)
{
    private const int DefaultPageSize = 200;
    private const int MaxPageSize = 500;
    private const int MaxQuantity = 300;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/customers", (RequestDelegate)ListCustomers);
        routes.MapGet("/v1/customers/{customerId}", (RequestDelegate)GetCustomer);
        routes.MapGet("/v1/customers/{customerId}/subscriptions", (RequestDelegate)ListSubscriptions);
        routes.MapGet("/v1/customers/{customerId}/subscriptions/{subscriptionId}", (RequestDelegate)GetSubscription);
        routes.MapMethods("/v1/customers/{customerId}/subscriptions/{subscriptionId}", ["PATCH"], (RequestDelegate)PatchSubscription);
        new CustomerDirectoryApi(this).Map(routes);
        new InvoicesApi(context, this).Map(routes);
    }

    /// <summary>
    /// GET /v1/customers?size=N: one page, and links.next (uri plus an MS-ContinuationToken header) while more remain.
    /// An optional filter (URL-encoded JSON: Field Domain or CompanyName, Operator starts_with) narrows the list.
    /// </summary>
    private async Task ListCustomers(HttpContext http)
    {
        if (await Authorize(http) is null)
        {
            return;
        }

        var size = DefaultPageSize;
        if (http.Query("size") is { } sizeText && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 0))
        {
            await Error(http, 400, "800002", $"Invalid request input: size '{sizeText}' is not a non-negative integer.");
            return;
        }

        size = size == 0 ? DefaultPageSize : Math.Min(size, MaxPageSize);
        var offset = 0;
        var continuation = http.Request.Headers["MS-ContinuationToken"].ToString();
        if (continuation.Length > 0 && !TryReadContinuation(continuation, out offset))
        {
            await Error(http, 400, "800002", "Invalid request input: the continuation token is not valid.");
            return;
        }

        if (continuation.Length == 0 && string.Equals(http.Query("seekOperation"), "Next", StringComparison.OrdinalIgnoreCase))
        {
            await Error(http, 400, "800002", "Invalid request input: seekOperation=Next needs the MS-ContinuationToken header from links.next.");
            return;
        }

        if (!CustomerFilter.TryParse(http.Query("filter"), out var filter, out var filterError))
        {
            await Error(http, 400, "800002", $"Invalid request input: {filterError}");
            return;
        }

        var customers = filter is null ? context.Directory.Customers : context.Directory.Customers.Where(filter).ToList();
        var page = customers.Skip(offset).Take(size).Select(c => (JsonNode)PartnerCenterJson.Customer(c, byId: false)).ToArray();
        var query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value : $"?size={size}";
        var links = new JsonObject { ["self"] = PartnerCenterJson.Link($"/customers{query}") };
        if (offset + page.Length < customers.Count)
        {
            var next = $"/customers?size={size}" + (http.Query("filter") is { } f ? $"&filter={Uri.EscapeDataString(f)}" : "") + "&seekOperation=Next";
            links["next"] = PartnerCenterJson.Link(next, ("MS-ContinuationToken", WriteContinuation(offset + page.Length)));
        }

        await Respond(http, PartnerCenterJson.Collection(page, links));
    }

    private async Task GetCustomer(HttpContext http)
    {
        if (await Authorize(http) is null || await FindCustomer(http) is not { } customer)
        {
            return;
        }

        await Respond(http, PartnerCenterJson.Customer(customer, byId: true));
    }

    private async Task ListSubscriptions(HttpContext http)
    {
        if (await Authorize(http) is null || await FindCustomer(http) is not { } customer)
        {
            return;
        }

        JsonNode[] items;
        lock (customer.Content.Sync)
        {
            items = customer.Content.PartnerSubscriptions.Select(sub => (JsonNode)PartnerCenterJson.Subscription(customer, sub)).ToArray();
        }

        var links = new JsonObject { ["self"] = PartnerCenterJson.Link($"/customers/{customer.Id}/subscriptions") };
        await Respond(http, PartnerCenterJson.Collection(items, links));
    }

    private async Task GetSubscription(HttpContext http)
    {
        if (await Authorize(http) is null || await FindCustomer(http) is not { } customer || await FindSubscription(http, customer) is not { } sub)
        {
            return;
        }

        JsonObject body;
        lock (customer.Content.Sync)
        {
            body = PartnerCenterJson.Subscription(customer, sub);
        }

        await Respond(http, body);
    }

    /// <summary>
    /// Changes a subscription's quantity ("Change the quantity of licenses in a customer subscription") or status
    /// ("Suspend a subscription", "Reactivate a suspended subscription"): the body is the full Subscription resource,
    /// as read, with the new quantity or status (property names in either casing, as the documentation's own sample
    /// sends PascalCase). The etag read with it, in the body's attributes where the documentation puts it (and, if
    /// sent, the If-Match header too), guards the change: a stale one gets 400 with code 2055 ("Etag is no longer
    /// valid") and changes nothing; every accepted change gives the subscription a new etag. A suspended subscription
    /// takes no change but its reactivation (400 code 2001). With <see cref="SandboxFaults.PartnerCenterAcceptedWrites"/>
    /// the change is answered 202 Accepted with a Location to read the result from, as Partner Center's asynchronous
    /// operations are.
    /// </summary>
    private async Task PatchSubscription(HttpContext http)
    {
        if (await Authorize(http) is null || await FindCustomer(http) is not { } customer || await FindSubscription(http, customer) is not { } sub)
        {
            return;
        }

        JsonObject? patch;
        try
        {
            patch = await JsonNode.ParseAsync(http.Request.Body, new JsonNodeOptions { PropertyNameCaseInsensitive = true }, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            patch = null;
        }

        if (patch is null || patch["quantity"] is not JsonValue quantityNode || !quantityNode.TryGetValue<int>(out var quantity))
        {
            await Error(http, 400, "800002", "Invalid request input: the body must be the subscription with an integer quantity.");
            return;
        }

        if (quantity is < 1 or > MaxQuantity)
        {
            await Error(http, 400, "2002", $"Subscription quantity is not within minimum and maximum allowed quantity (1 to {MaxQuantity}).");
            return;
        }

        var status = patch["status"] is JsonValue statusNode && statusNode.TryGetValue<string>(out var statusText) ? statusText.ToLowerInvariant() : null;
        if (status is not (null or "active" or "suspended"))
        {
            // Cancelling (status "deleted") and the other statuses are Partner Center operations the sandbox does not emulate.
            await Error(http, 501, "501", $"The sandbox does not emulate setting a subscription's status to '{status}'; it suspends (\"suspended\") and reactivates (\"active\").");
            return;
        }

        var etag = patch["attributes"] is JsonObject attributes && attributes["etag"] is JsonValue tag && tag.TryGetValue<string>(out var text) ? text : "";
        if (etag.Length == 0)
        {
            await Error(http, 400, "800002", "Invalid request input: the body must be the full subscription resource with its attributes.etag, as read.");
            return;
        }

        var ifMatch = http.Request.Headers.IfMatch.ToString().Trim().Trim('"');
        if (ifMatch.Length > 0 && ifMatch != etag)
        {
            // Two different etags in one request: the older one cannot be known to be current.
            etag = "";
        }

        (int Status, string Code, string Message)? refusal;
        JsonObject? body = null;
        lock (customer.Content.Sync)
        {
            refusal = SubscriptionChange.Refusal(sub, quantity, status ?? sub.Status, etag);
            if (refusal is null)
            {
                sub.Quantity = quantity;
                sub.Status = status ?? sub.Status;
                sub.Version++;
                body = PartnerCenterJson.Subscription(customer, sub);
            }
        }

        await (refusal is { } r ? Error(http, r.Status, r.Code, r.Message)
            : context.Faults.PartnerCenterAcceptedWrites ? Accepted(http, $"/v1/customers/{customer.Id}/subscriptions/{sub.Id}")
            : Respond(http, body!));
    }

    /// <summary>
    /// Partner Center accepts only tokens of the partner tenant ("Partner Center authentication": App+User tokens
    /// come from the partner's own tenant; a customer-tenant token is refused), and App+User calls only with MFA in the
    /// token ("Mandatory multifactor authentication (MFA) for Partner Center APIs": since 2026-04-01 an App+User call
    /// without MFA gets 401 with error code 900421). Every 401 carries a WWW-Authenticate challenge, as HTTP requires;
    /// Microsoft does not document its exact parameters, so the sandbox sends RFC 6750's invalid_token form.
    /// </summary>
    internal async Task<ApiCaller?> Authorize(HttpContext http)
    {
        EchoHeaders(http);
        var check = context.Validator.Validate(http, KnownResources.PartnerCenter);
        if (!check.Succeeded)
        {
            var code = check.Message == "Access token is empty." ? "800001" : check.Code == "InvalidAuthenticationTokenAudience" ? "900420" : "400";
            await Unauthorized(http, code, check.Message);
            return null;
        }

        var caller = check.Caller!;
        if (caller.Tenant.Id != context.Directory.Partner.Id)
        {
            await Unauthorized(http, "900420",
                $"Invalid Token: the token was issued for tenant '{caller.Tenant.Id}', which is not a partner tenant. Partner Center accepts only tokens issued in the partner's own tenant.");
            return null;
        }

        if (!caller.IsApp && !caller.Mfa)
        {
            await Unauthorized(http, "900421", "Multi-factor authentication is required for App+User calls to Partner Center. Acquire a token with MFA.");
            return null;
        }

        return caller;
    }

    private static Task Unauthorized(HttpContext http, string code, string description)
    {
        http.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        return Error(http, 401, code, description);
    }

    internal async Task<SandboxTenant?> FindCustomer(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["customerId"]!;
        var customer = Guid.TryParse(id, out var guid) ? context.Directory.FindTenant(guid) : null;
        if (customer is null || customer.IsPartner)
        {
            await Error(http, 404, "1000", $"Not found: customer '{id}' does not exist or has no relationship with this partner.");
            return null;
        }

        return customer;
    }

    private async Task<PartnerSubscription?> FindSubscription(HttpContext http, SandboxTenant customer)
    {
        var id = (string)http.Request.RouteValues["subscriptionId"]!;
        var sub = Guid.TryParse(id, out var guid) ? customer.Content.PartnerSubscriptions.FirstOrDefault(s => s.Id == guid) : null;
        if (sub is null)
        {
            await Error(http, 404, "20003", $"Subscription with id {id} not found.");
        }

        return sub;
    }

    internal static string WriteContinuation(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"v1,{offset}"));

    internal static bool TryReadContinuation(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("v1,", StringComparison.Ordinal) && int.TryParse(text[3..], NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Echoes the caller's MS-RequestId and MS-CorrelationId, or makes them up as Partner Center does.</summary>
    private static void EchoHeaders(HttpContext http)
    {
        var requestId = http.Request.Headers["MS-RequestId"].ToString();
        var correlationId = http.Request.Headers["MS-CorrelationId"].ToString();
        http.Response.Headers["MS-RequestId"] = requestId.Length > 0 ? requestId : Guid.NewGuid().ToString();
        http.Response.Headers["MS-CorrelationId"] = correlationId.Length > 0 ? correlationId : Guid.NewGuid().ToString();
    }

    private static Task Accepted(HttpContext http, string location)
    {
        http.Response.StatusCode = 202;
        http.Response.Headers.Location = location;
        http.Response.Headers.RetryAfter = "1";
        return Task.CompletedTask;
    }

    /// <summary>Partner Center's answers come in camelCase, but some (and its documentation's samples) in PascalCase:
    /// with <see cref="SandboxFaults.PartnerCenterPascalCase"/> the sandbox answers that way, so clients must cope.</summary>
    internal Task Respond(HttpContext http, JsonNode body) =>
        http.WriteJson(context.Faults.PartnerCenterPascalCase ? PartnerCenterJson.Pascal(body) : body);

    private static Task Error(HttpContext http, int status, string code, string description) =>
        PartnerCenterJson.Error(http, status, code, description);
}

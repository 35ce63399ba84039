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

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/customers", (RequestDelegate)ListCustomers);
        routes.MapGet("/v1/customers/{customerId}", (RequestDelegate)GetCustomer);
        routes.MapGet("/v1/customers/{customerId}/subscriptions", (RequestDelegate)ListSubscriptions);
        routes.MapGet("/v1/customers/{customerId}/subscriptions/{subscriptionId}", (RequestDelegate)GetSubscription);
        routes.MapMethods("/v1/customers/{customerId}/subscriptions/{subscriptionId}", ["PATCH"], (RequestDelegate)PatchSubscription);
    }

    private async Task ListCustomers(HttpContext http)
    {
        if (await Authorize(http) is null)
        {
            return;
        }

        var size = int.TryParse(http.Query("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 1, MaxPageSize) : DefaultPageSize;
        var offset = 0;
        var continuation = http.Request.Headers["MS-ContinuationToken"].ToString();
        if (continuation.Length > 0 && !TryReadContinuation(continuation, out offset))
        {
            await Error(http, 400, "2001", "The continuation token is invalid.");
            return;
        }

        var customers = context.Directory.Customers;
        var page = customers.Skip(offset).Take(size).ToList();
        var links = new JsonObject { ["self"] = Link($"/customers?size={size}") };
        if (offset + page.Count < customers.Count)
        {
            links["next"] = Link($"/customers?size={size}&seekOperation=Next", ("MS-ContinuationToken", WriteContinuation(offset + page.Count)));
        }

        await http.WriteJson(new JsonObject
        {
            ["totalCount"] = page.Count,
            ["items"] = new JsonArray(page.Select(c => (JsonNode)Customer(c)).ToArray()),
            ["links"] = links,
            ["attributes"] = new JsonObject { ["objectType"] = "Collection" },
        });
    }

    private async Task GetCustomer(HttpContext http)
    {
        if (await Authorize(http) is null || await FindCustomer(http) is not { } customer)
        {
            return;
        }

        await http.WriteJson(Customer(customer));
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
            items = customer.Content.PartnerSubscriptions.Select(sub => (JsonNode)Subscription(customer, sub)).ToArray();
        }

        await http.WriteJson(new JsonObject
        {
            ["totalCount"] = items.Length,
            ["items"] = new JsonArray(items),
            ["links"] = new JsonObject { ["self"] = Link($"/customers/{customer.Id}/subscriptions") },
            ["attributes"] = new JsonObject { ["objectType"] = "Collection" },
        });
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
            body = Subscription(customer, sub);
        }

        await http.WriteJson(body);
    }

    /// <summary>Changes a subscription's quantity. Requires If-Match with the current etag, as optimistic concurrency.</summary>
    private async Task PatchSubscription(HttpContext http)
    {
        if (await Authorize(http) is null || await FindCustomer(http) is not { } customer || await FindSubscription(http, customer) is not { } sub)
        {
            return;
        }

        JsonObject? patch;
        try
        {
            patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            patch = null;
        }

        if (patch is null || patch["quantity"] is not JsonValue quantityNode || !quantityNode.TryGetValue<int>(out var quantity) || quantity < 1)
        {
            await Error(http, 400, "2001", "The request body must be a subscription with a positive integer quantity.");
            return;
        }

        var etag = patch["attributes"]?["etag"]?.GetValue<string>() ?? http.Request.Headers.IfMatch.ToString().Trim('"');
        JsonObject body;
        lock (customer.Content.Sync)
        {
            if (etag.Length == 0 || etag != sub.Etag)
            {
                body = new JsonObject();
            }
            else
            {
                sub.Quantity = quantity;
                sub.Version++;
                body = Subscription(customer, sub);
            }
        }

        if (body.Count == 0)
        {
            await Error(http, 412, "2003", "The etag supplied does not match the current version of the subscription. Get the subscription again and retry.");
            return;
        }

        await http.WriteJson(body);
    }

    /// <summary>Partner Center accepts only App+User tokens for the partner tenant, and only with MFA.</summary>
    private async Task<ApiCaller?> Authorize(HttpContext http)
    {
        EchoHeaders(http);
        var check = context.Validator.Validate(http, KnownResources.PartnerCenter);
        if (!check.Succeeded)
        {
            await Error(http, 401, "900401", check.Message);
            return null;
        }

        var caller = check.Caller!;
        if (caller.Tenant.Id != context.Directory.Partner.Id)
        {
            await Error(http, 401, "900402", $"The token was issued for tenant '{caller.Tenant.Id}', not for the partner tenant.");
            return null;
        }

        if (!caller.IsApp && !caller.Mfa)
        {
            await Error(http, 401, "900419", "Partner Center requires multi-factor authentication for App+User calls. Acquire a token with MFA.");
            return null;
        }

        return caller;
    }

    private async Task<SandboxTenant?> FindCustomer(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["customerId"]!;
        var customer = Guid.TryParse(id, out var guid) ? context.Directory.FindTenant(guid) : null;
        if (customer is null || customer.IsPartner)
        {
            await Error(http, 404, "600001", $"Customer '{id}' was not found.");
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
            await Error(http, 404, "800002", $"Subscription '{id}' was not found for customer '{customer.Id}'.");
        }

        return sub;
    }

    private static JsonObject Customer(SandboxTenant customer) => new()
    {
        ["id"] = customer.Id.ToString(),
        ["commerceId"] = DeterministicGuid.Create(0, $"commerce:{customer.Id}").ToString(),
        ["companyProfile"] = new JsonObject
        {
            ["tenantId"] = customer.Id.ToString(),
            ["domain"] = customer.Domain,
            ["companyName"] = customer.DisplayName,
            ["links"] = new JsonObject { ["self"] = Link($"/customers/{customer.Id}/profiles/company") },
            ["attributes"] = new JsonObject { ["objectType"] = "CustomerCompanyProfile" },
        },
        ["relationshipToPartner"] = "reseller",
        ["allowDelegatedAccess"] = true,
        ["links"] = new JsonObject { ["self"] = Link($"/customers/{customer.Id}") },
        ["attributes"] = new JsonObject { ["objectType"] = "Customer" },
    };

    private static JsonObject Subscription(SandboxTenant customer, PartnerSubscription sub) => new()
    {
        ["id"] = sub.Id.ToString(),
        ["offerId"] = $"{sub.Product.OfferId}:{sub.Product.SkuPartNumber}",
        ["offerName"] = sub.Product.Name,
        ["friendlyName"] = sub.Product.Name,
        ["productType"] = new JsonObject { ["id"] = "OnlineServicesNCE", ["displayName"] = "OnlineServicesNCE" },
        ["quantity"] = sub.Quantity,
        ["unitType"] = "Licenses",
        ["hasPurchasableAddons"] = false,
        ["creationDate"] = sub.CreationDate.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["effectiveStartDate"] = sub.CreationDate.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["commitmentEndDate"] = sub.CommitmentEndDate.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["status"] = sub.Status,
        ["autoRenewEnabled"] = sub.AutoRenewEnabled,
        ["isTrial"] = false,
        ["billingType"] = "license",
        ["billingCycle"] = sub.BillingCycle,
        ["termDuration"] = "P1Y",
        ["isMicrosoftProduct"] = true,
        ["attentionNeeded"] = false,
        ["actionTaken"] = false,
        ["contractType"] = "subscription",
        ["links"] = new JsonObject { ["self"] = Link($"/customers/{customer.Id}/subscriptions/{sub.Id}") },
        ["orderId"] = DeterministicGuid.Create(0, $"order:{sub.Id}").ToString("N"),
        ["attributes"] = new JsonObject { ["etag"] = sub.Etag, ["objectType"] = "Subscription" },
    };

    private static JsonObject Link(string uri, params (string Key, string Value)[] headers) => new()
    {
        ["uri"] = uri,
        ["method"] = "GET",
        ["headers"] = new JsonArray(headers.Select(h => (JsonNode)new JsonObject { ["key"] = h.Key, ["value"] = h.Value }).ToArray()),
    };

    private static string WriteContinuation(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"v1,{offset}"));

    private static bool TryReadContinuation(string token, out int offset)
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

    private static void EchoHeaders(HttpContext http)
    {
        var requestId = http.Request.Headers["MS-RequestId"].ToString();
        var correlationId = http.Request.Headers["MS-CorrelationId"].ToString();
        http.Response.Headers["MS-RequestId"] = requestId.Length > 0 ? requestId : Guid.NewGuid().ToString();
        http.Response.Headers["MS-CorrelationId"] = correlationId.Length > 0 ? correlationId : Guid.NewGuid().ToString();
    }

    /// <summary>Partner Center's error body: code, description, data and source.</summary>
    internal static Task Error(HttpContext http, int status, string code, string description) =>
        http.WriteJson(new JsonObject
        {
            ["code"] = code,
            ["description"] = description,
            ["data"] = new JsonArray(),
            ["source"] = "PartnerFD",
        }, status);
}

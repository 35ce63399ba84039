using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runner.Sandbox.Data;
using Runner.Sandbox.Hosting;

namespace Runner.Sandbox.PartnerCenter;

/// <summary>
/// Billing reconciliation, as "Get invoices", "Get an invoice by ID" and "Get invoice billed commercial consumption
/// line items" describe it: GET /v1/invoices, /v1/invoices/{id}, and /v1/invoices/{id}/lineitems?provider=onetime&amp;
/// invoicelineitemtype=billinglineitems&amp;size=N (also as /lineitems/OneTime/BillingLineItems, the link an invoice
/// carries), paged with seekOperation=Next and the MS-ContinuationToken header of links.next. The sandbox sells only
/// new-commerce products, so the legacy providers (office, azure) have no line items. Amounts come from
/// <see cref="InvoiceSeeder"/>.
/// </summary>
internal sealed class InvoicesApi(SandboxContext context, PartnerCenterApi api)
{
    private const int MaxPageSize = 2000;

    private readonly Lazy<List<Invoice>> _invoices = new(() => InvoiceSeeder.Build(
        context.Options.Seed, context.Directory.Customers, new DateTimeOffset(context.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero)));

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/invoices", (RequestDelegate)List);
        routes.MapGet("/v1/invoices/{invoiceId}", (RequestDelegate)Get);
        routes.MapGet("/v1/invoices/{invoiceId}/lineitems", (RequestDelegate)(http => LineItems(http, http.Query("provider"), http.Query("invoicelineitemtype"))));
        routes.MapGet("/v1/invoices/{invoiceId}/lineitems/{provider}/{type}", (RequestDelegate)(http =>
            LineItems(http, (string)http.Request.RouteValues["provider"]!, (string)http.Request.RouteValues["type"]!)));
    }

    private async Task List(HttpContext http)
    {
        if (await api.Authorize(http) is null)
        {
            return;
        }

        var items = _invoices.Value.OrderByDescending(i => i.InvoiceDate).Select(i => (JsonNode)Json(i)).ToArray();
        await api.Respond(http, PartnerCenterJson.Collection(items, new JsonObject { ["self"] = PartnerCenterJson.Link("/invoices") }));
    }

    private async Task Get(HttpContext http)
    {
        if (await api.Authorize(http) is not null && await Find(http) is { } invoice)
        {
            await api.Respond(http, Json(invoice));
        }
    }

    private async Task LineItems(HttpContext http, string? provider, string? type)
    {
        if (await api.Authorize(http) is null || await Find(http) is not { } invoice)
        {
            return;
        }

        if (provider is null || type is null || !type.Equals("billinglineitems", StringComparison.OrdinalIgnoreCase) ||
            provider.ToLowerInvariant() is not ("onetime" or "office" or "azure"))
        {
            await PartnerCenterJson.Error(http, 400, "600001", "Invalid request input: provider must be OneTime, Office or Azure and invoicelineitemtype BillingLineItems.");
            return;
        }

        var size = MaxPageSize;
        if (http.Query("size") is { } sizeText && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            await PartnerCenterJson.Error(http, 400, "600001", $"Invalid request input: size must be between 1 and {MaxPageSize}.");
            return;
        }

        var offset = 0;
        var continuation = http.Request.Headers["MS-ContinuationToken"].ToString();
        if (continuation.Length > 0 && !PartnerCenterApi.TryReadContinuation(continuation, out offset))
        {
            await PartnerCenterJson.Error(http, 400, "600001", "Invalid request input: the continuation token is not valid.");
            return;
        }

        var lines = provider.Equals("onetime", StringComparison.OrdinalIgnoreCase) ? invoice.Lines : [];
        var page = lines.Skip(offset).Take(size).Select(l => (JsonNode)Line(invoice, l)).ToArray();
        var links = new JsonObject { ["self"] = PartnerCenterJson.Link($"/invoices/{invoice.Id}/lineitems?provider={provider}&invoicelineitemtype={type}&size={size}") };
        if (offset + page.Length < lines.Count)
        {
            links["next"] = PartnerCenterJson.Link($"/invoices/{invoice.Id}/lineitems?provider={provider}&invoicelineitemtype={type}&size={size}&seekOperation=Next",
                ("MS-ContinuationToken", PartnerCenterApi.WriteContinuation(offset + page.Length)));
        }

        await api.Respond(http, PartnerCenterJson.Collection(page, links));
    }

    private async Task<Invoice?> Find(HttpContext http)
    {
        var id = (string)http.Request.RouteValues["invoiceId"]!;
        var invoice = _invoices.Value.FirstOrDefault(i => i.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
        if (invoice is null)
        {
            await PartnerCenterJson.Error(http, 404, "600002", $"Invoice {id} was not found.");
        }

        return invoice;
    }

    private static JsonObject Json(Invoice i) => new()
    {
        ["id"] = i.Id,
        ["invoiceDate"] = Date(i.InvoiceDate),
        ["billingPeriodStartDate"] = Date(i.PeriodStart),
        ["billingPeriodEndDate"] = Date(i.PeriodEnd),
        ["totalCharges"] = i.Total,
        ["paidAmount"] = i.PeriodEnd < i.InvoiceDate.AddMonths(-1) ? i.Total : 0m,
        ["currencyCode"] = "USD",
        ["currencySymbol"] = "$",
        ["pdfDownloadLink"] = $"/invoices/{i.Id}/documents/statement",
        ["documentType"] = "invoice",
        ["invoiceType"] = "Recurring",
        ["amendments"] = new JsonArray(),
        ["invoiceDetails"] = new JsonArray(new JsonObject
        {
            ["invoiceLineItemType"] = "billingLineItems",
            ["billingProvider"] = "oneTime",
            ["links"] = new JsonObject { ["self"] = PartnerCenterJson.Link($"/invoices/{i.Id}/lineitems/OneTime/BillingLineItems") },
            ["attributes"] = new JsonObject { ["objectType"] = "InvoiceDetail" },
        }),
        ["links"] = new JsonObject { ["self"] = PartnerCenterJson.Link($"/invoices/{i.Id}") },
        ["attributes"] = new JsonObject { ["objectType"] = "Invoice" },
    };

    private JsonObject Line(Invoice invoice, InvoiceLine l) => new()
    {
        ["partnerId"] = context.Directory.Partner.Id.ToString(),
        ["partnerName"] = context.Directory.Partner.DisplayName,
        ["customerId"] = l.Customer.Id.ToString(),
        ["customerName"] = l.Customer.DisplayName,
        ["customerDomainName"] = l.Customer.Domain,
        ["customerCountry"] = l.Customer.Content.CountryLetterCode,
        ["invoiceNumber"] = invoice.Id,
        ["orderId"] = l.Subscription.Id.ToString("N")[..12],
        ["orderDate"] = Date(l.Subscription.CreationDate),
        ["productId"] = l.Subscription.Product.OfferId.Split(':')[0],
        ["skuId"] = l.Subscription.Product.OfferId.Split(':')[1],
        ["availabilityId"] = "CFQ7TTC0" + Code(l.Subscription.Product.SkuId.ToString(), 4),
        ["productName"] = l.Subscription.Product.Name,
        ["skuName"] = l.Subscription.Product.Name,
        ["subscriptionId"] = l.Subscription.Id.ToString(),
        ["subscriptionDescription"] = l.Subscription.Product.Name,
        ["chargeType"] = l.ChargeType,
        ["chargeStartDate"] = Date(l.ChargeStart),
        ["chargeEndDate"] = Date(l.ChargeEnd),
        ["termAndBillingCycle"] = l.Subscription.BillingCycle == "annual" ? "1 Year Subscription" : "1 Month Subscription",
        ["billingFrequency"] = "Monthly",
        ["unitPrice"] = l.UnitPrice,
        ["effectiveUnitPrice"] = l.UnitPrice,
        ["unitType"] = "Licenses",
        ["quantity"] = l.Quantity,
        ["billableQuantity"] = l.Quantity,
        ["subtotal"] = l.Subtotal,
        ["taxTotal"] = l.Tax,
        ["totalForCustomer"] = l.Total,
        ["currency"] = "USD",
        ["pricingCurrency"] = "USD",
        ["pcToBCExchangeRate"] = 1,
        ["publisherName"] = "Microsoft Corporation",
        ["publisherId"] = "",
        ["alternateId"] = Code($"{invoice.Id}:{l.Subscription.Id}", 12).ToLowerInvariant(),
        ["priceAdjustmentDescription"] = "",
        ["discountDetails"] = "",
        ["invoiceLineItemType"] = "billingLineItems",
        ["billingProvider"] = "oneTime",
        ["attributes"] = new JsonObject { ["objectType"] = "OneTimeInvoiceLineItem" },
    };

    /// <summary>A stable code of <paramref name="length"/> letters and digits for a label (ids Microsoft makes up).</summary>
    private static string Code(string label, int length) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label)))[..length];

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

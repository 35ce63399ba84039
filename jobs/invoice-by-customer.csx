// invoice-by-customer.csx: the latest Partner Center invoice split by customer — what each customer's licences cost
// you last month, before tax and with it — the figure an MSP bills its customers against. One row per customer,
// largest first. Runs once, in the partner's own tenant.
// runner: partner-level
//
// Partner Center: invoices and their new-commerce billing line items (a partner user with the Billing admin or
// Global admin role).
// Parameters: invoice (an invoice number; default the latest).
// Run:        runner run invoice-by-customer
#load "_editor/runner.globals.csx" // IntelliSense in VS Code; Runner skips this line

using System.Text.Json;

var invoices = await PartnerCenter.GetJsonAsync("invoices", CancellationToken);
var wanted = Params.Get<string>("invoice", "");
var invoice = invoices.GetProperty("items").EnumerateArray()
    .Where(i => wanted.Length == 0 || i.GetProperty("id").GetString() == wanted)
    .OrderByDescending(i => i.GetProperty("invoiceDate").GetString())
    .FirstOrDefault();
if (invoice.ValueKind == JsonValueKind.Undefined)
{
    throw new InvalidOperationException(wanted.Length == 0 ? "Partner Center has no invoice yet." : $"No invoice {wanted} in Partner Center.");
}

var id = invoice.GetProperty("id").GetString()!;
// Line items come in pages of up to 2,000; the next page is asked for with the continuation token of links.next.
var http = Tokens.CreateHttpClient(Tokens.Scopes.PartnerCenter, new Uri(Tokens.Endpoints.PartnerCenter, "v1/"));
var lines = new List<JsonElement>();
var request = new HttpRequestMessage(HttpMethod.Get, $"invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000");
while (true)
{
    using var response = await http.SendAsync(request, CancellationToken);
    response.EnsureSuccessStatusCode();
    var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken)).RootElement;
    lines.AddRange(page.GetProperty("items").EnumerateArray().Select(l => l.Clone()));
    if (!page.GetProperty("links").TryGetProperty("next", out var next))
    {
        break;
    }

    request = new HttpRequestMessage(HttpMethod.Get, next.GetProperty("uri").GetString()!.TrimStart('/'));
    request.Headers.Add("MS-ContinuationToken", next.GetProperty("headers")[0].GetProperty("value").GetString());
}

Log.LogInformation("Invoice {Invoice}: {Lines} line items, {Total} {Currency}.", id, lines.Count,
    invoice.GetProperty("totalCharges").GetDecimal(), invoice.GetProperty("currencyCode").GetString());
return lines
    .GroupBy(l => (id: l.GetProperty("customerId").GetString(), name: l.GetProperty("customerName").GetString()))
    .Select(g => new
    {
        invoice = id,
        customer = g.Key.name,
        customerId = g.Key.id,
        subscriptions = g.Count(),
        subtotal = g.Sum(l => l.GetProperty("subtotal").GetDecimal()),
        tax = g.Sum(l => l.GetProperty("taxTotal").GetDecimal()),
        total = g.Sum(l => l.GetProperty("totalForCustomer").GetDecimal()),
        currency = g.First().GetProperty("currency").GetString(),
    })
    .OrderByDescending(r => r.total);

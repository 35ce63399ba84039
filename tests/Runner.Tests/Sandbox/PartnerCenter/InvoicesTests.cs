using System.Globalization;
using System.Text.Json;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.PartnerCenter;

/// <summary>Invoices and their billing line items through Partner Center, paged as reconciliation scripts page them.</summary>
public sealed class InvoicesTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task Three_monthly_invoices_whose_line_items_add_up_to_their_totals_across_pages()
    {
        var invoices = await fixture.Clients.PartnerCenter().GetJsonAsync("invoices");
        using var raw = fixture.Clients.RawPartnerCenter();

        var items = invoices.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        foreach (var invoice in items)
        {
            var id = invoice.GetProperty("id").GetString()!;
            var end = DateTimeOffset.Parse(invoice.GetProperty("billingPeriodEndDate").GetString()!, CultureInfo.InvariantCulture);
            var lines = new List<JsonElement>();
            var request = new HttpRequestMessage(HttpMethod.Get, $"invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=7");
            while (true)
            {
                using var response = await raw.SendAsync(request);
                response.EnsureSuccessStatusCode();
                var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                lines.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
                if (!page.GetProperty("links").TryGetProperty("next", out var next))
                {
                    break;
                }

                request = new HttpRequestMessage(HttpMethod.Get, next.GetProperty("uri").GetString()!.TrimStart('/'));
                request.Headers.Add("MS-ContinuationToken", next.GetProperty("headers")[0].GetProperty("value").GetString());
            }

            var expected = fixture.Host.Context.Directory.Customers.SelectMany(c => c.Content.PartnerSubscriptions).Count(s => s.CreationDate <= end && s.Status != "suspended");
            Assert.Equal(expected, lines.Count);
            Assert.Equal(invoice.GetProperty("totalCharges").GetDecimal(), lines.Sum(l => l.GetProperty("totalForCustomer").GetDecimal()));
            Assert.All(lines, l => Assert.Equal(l.GetProperty("quantity").GetInt32() * l.GetProperty("unitPrice").GetDecimal(), l.GetProperty("subtotal").GetDecimal()));
            Assert.Equal(lines.Count, lines.Select(l => l.GetProperty("subscriptionId").GetString()).Distinct().Count());
        }
    }

    [Fact]
    public async Task A_line_names_the_customer_and_its_subscription_and_legacy_providers_have_none()
    {
        var invoices = await fixture.Clients.PartnerCenter().GetJsonAsync("invoices");
        var id = invoices.GetProperty("items")[0].GetProperty("id").GetString()!;
        var customer = fixture.Host.ActiveCustomer(c => c.Content.PartnerSubscriptions.Any(s => s.Status == "active"));
        var subscription = customer.Content.PartnerSubscriptions.First(s => s.Status == "active");

        var lines = await fixture.Clients.PartnerCenter().GetJsonAsync($"invoices/{id}/lineitems/OneTime/BillingLineItems");
        var office = await fixture.Clients.PartnerCenter().GetJsonAsync($"invoices/{id}/lineitems?provider=office&invoicelineitemtype=billinglineitems");

        var line = lines.GetProperty("items").EnumerateArray().Single(l => l.GetProperty("subscriptionId").GetString() == subscription.Id.ToString());
        Assert.Equal(customer.Id.ToString(), line.GetProperty("customerId").GetString());
        Assert.Equal(subscription.Product.Name, line.GetProperty("productName").GetString());
        Assert.Equal(InvoiceSeeder.PriceOf(subscription.Product), line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(0, office.GetProperty("totalCount").GetInt32());
    }
}

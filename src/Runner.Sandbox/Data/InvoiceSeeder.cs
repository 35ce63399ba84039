namespace Runner.Sandbox.Data;

/// <summary>A monthly Partner Center invoice: its number, dates and the line items billed on it.</summary>
internal sealed record Invoice(string Id, DateTimeOffset InvoiceDate, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, List<InvoiceLine> Lines)
{
    public decimal Total => Lines.Sum(l => l.Total);
}

/// <summary>One new-commerce billing line item ("OneTimeInvoiceLineItem"): a customer's subscription for a month.</summary>
internal sealed record InvoiceLine(
    SandboxTenant Customer,
    PartnerSubscription Subscription,
    string ChargeType,
    int Quantity,
    decimal UnitPrice,
    DateTimeOffset ChargeStart,
    DateTimeOffset ChargeEnd,
    decimal TaxRate)
{
    public decimal Subtotal => Quantity * UnitPrice;

    public decimal Tax => Math.Round(Subtotal * TaxRate, 2);

    public decimal Total => Subtotal + Tax;
}

/// <summary>
/// The partner's last three monthly invoices (new commerce, provider OneTime), worked out on first request from the
/// customers' subscriptions as they are then: each subscription created before a month's end is billed for that
/// month at the product's monthly price — "new" in its first month, "cycleCharge" after — with VAT for customers in
/// Germany (19 %) and the United Kingdom (20 %) and none in the United States, as a reconciliation script compares
/// them with Partner Center's quantities.
/// </summary>
internal static class InvoiceSeeder
{
    /// <summary>Monthly list prices (USD) of the products the sandbox sells, by SKU part number.</summary>
    private static readonly Dictionary<string, decimal> Prices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SPB"] = 22.00m,
        ["O365_BUSINESS_ESSENTIALS"] = 6.00m,
        ["O365_BUSINESS_PREMIUM"] = 12.50m,
        ["SPE_E3"] = 36.00m,
        ["STANDARDPACK"] = 10.00m,
        ["EXCHANGESTANDARD"] = 4.00m,
    };

    public static decimal PriceOf(Product product) => Prices.GetValueOrDefault(product.SkuPartNumber, 10.00m);

    public static List<Invoice> Build(int seed, IReadOnlyList<SandboxTenant> customers, DateTimeOffset today)
    {
        var invoices = new List<Invoice>();
        var thisMonth = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var back = 3; back >= 1; back--)
        {
            var start = thisMonth.AddMonths(-back);
            var end = start.AddMonths(1).AddDays(-1);
            var lines = new List<InvoiceLine>();
            foreach (var customer in customers)
            {
                lock (customer.Content.Sync)
                {
                    var rate = customer.Content.CountryLetterCode switch { "DE" => 0.19m, "GB" => 0.20m, _ => 0m };
                    lines.AddRange(customer.Content.PartnerSubscriptions.Where(s => s.CreationDate <= end && s.Status != "suspended").Select(s => new InvoiceLine(
                        customer, s, s.CreationDate >= start ? "new" : "cycleCharge", s.Quantity, PriceOf(s.Product),
                        s.CreationDate >= start ? s.CreationDate : start, end, rate)));
                }
            }

            var number = 1_000_000 + (DeterministicGuid.RandomSeed(seed, $"invoice:{start:yyyy-MM}") % 8_000_000);
            invoices.Add(new Invoice($"G{number:D9}", start.AddMonths(1).AddDays(7), start, end, lines));
        }

        return invoices;
    }
}

namespace Runner.Sandbox.Data;

/// <summary>A licence product, with the SKU identifiers Microsoft publishes for it.</summary>
internal sealed record Product(string OfferId, string Name, Guid SkuId, string SkuPartNumber, string[] ServicePlans);

internal static class Products
{
    public static readonly Product[] Catalog =
    [
        new("CFQ7TTC0LCHC:0002", "Microsoft 365 Business Premium", Guid.Parse("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"), "SPB", ["EXCHANGE_S_STANDARD", "MCOSTANDARD", "INTUNE_A", "AAD_PREMIUM"]),
        new("CFQ7TTC0LDPB:0001", "Microsoft 365 Business Basic", Guid.Parse("3b555118-da6a-4418-894f-7df1e2096870"), "O365_BUSINESS_ESSENTIALS", ["EXCHANGE_S_STANDARD", "MCOSTANDARD"]),
        new("CFQ7TTC0LDPB:0002", "Microsoft 365 Business Standard", Guid.Parse("f245ecc8-75af-4f8e-b61f-27d8114de5f3"), "O365_BUSINESS_PREMIUM", ["EXCHANGE_S_STANDARD", "MCOSTANDARD", "OFFICE_BUSINESS"]),
        new("CFQ7TTC0LFLZ:0002", "Microsoft 365 E3", Guid.Parse("05e9a617-0261-4cee-bb44-138d3ef5d965"), "SPE_E3", ["EXCHANGE_S_ENTERPRISE", "MCOSTANDARD", "OFFICESUBSCRIPTION", "INTUNE_A"]),
        new("CFQ7TTC0LF8Q:0001", "Office 365 E1", Guid.Parse("18181a46-0d4e-45cd-891e-60aabd171b4e"), "STANDARDPACK", ["EXCHANGE_S_STANDARD", "MCOSTANDARD"]),
        new("CFQ7TTC0LH16:0001", "Exchange Online (Plan 1)", Guid.Parse("4b9405b0-7788-4568-add1-99614e613b69"), "EXCHANGESTANDARD", ["EXCHANGE_S_STANDARD"]),
    ];
}

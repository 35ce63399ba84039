namespace Runner.Sandbox.Data;

/// <summary>Fictitious names in the style of Microsoft's documentation samples.</summary>
internal static class SandboxNames
{
    public static readonly string[] Companies =
    [
        "Contoso", "Fabrikam", "Tailspin Toys", "Wingtip Toys", "Adventure Works", "Litware", "Proseware",
        "Fourth Coffee", "Woodgrove Bank", "Alpine Ski House", "Coho Winery", "Lucerne Publishing",
        "Margie's Travel", "Northwind Traders", "Trey Research", "Wide World Importers", "Blue Yonder Airlines",
        "Graphic Design Institute", "School of Fine Art", "Humongous Insurance", "City Power & Light",
        "Consolidated Messenger", "VanArsdel", "Munson's Pickles and Preserves", "Southridge Video",
        "Best For You Organics", "Bellows College", "Datum Corporation", "First Up Consultants", "Lamna Healthcare",
    ];

    public static readonly string[] GivenNames =
    [
        "Adele", "Alex", "Allan", "Debra", "Diego", "Emily", "Enrico", "Grady", "Henrietta", "Irvin", "Isaiah",
        "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Patti", "Pradeep", "Raul",
        "Sakura", "Yuki", "Amara", "Bjorn", "Chen", "Dagny", "Farah", "Gustavo",
    ];

    public static readonly string[] Surnames =
    [
        "Vance", "Wilber", "Deyoung", "Berg", "Siciliani", "Braun", "Cattaneo", "Archie", "Mueller", "Sherman",
        "Langer", "Lauer", "Sherman", "Gonzalez", "Holloway", "Robbins", "Bowen", "Hamilton", "Wilke", "Fernandez",
        "Gupta", "Quinn", "Tanaka", "Sato", "Okafor", "Lindqvist", "Wei", "Haugen", "Rahman", "Pereira",
    ];

    public static readonly string[] JobTitles =
    [
        "Marketing Assistant", "Retail Manager", "Product Manager", "Director", "Designer", "Developer",
        "IT Admin", "Accountant", "Sales Representative", "Support Engineer", "CEO", "Legal Counsel",
    ];

    public static readonly string[] Locations = ["westeurope", "northeurope", "eastus", "eastus2", "uksouth", "germanywestcentral"];
}

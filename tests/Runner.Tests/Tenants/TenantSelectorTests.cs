using Runner.Configuration;
using Runner.Tenants;

namespace Runner.Tests.Tenants;

/// <summary>--tenant / --exclude selectors and runner.yaml's groups and exclusions, on a fixed customer list.</summary>
public sealed class TenantSelectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly CustomerTenant Contoso = Tenant("Contoso Ltd", "contoso.onmicrosoft.com", "active");
    private static readonly CustomerTenant Fabrikam = Tenant("Fabrikam Inc", "fabrikam.onmicrosoft.com", "active");
    private static readonly CustomerTenant TailspinToys = Tenant("Tailspin Toys", "tailspintoys.onmicrosoft.com", "active");
    private static readonly CustomerTenant TailspinTravel = Tenant("Tailspin Travel", "tailspintravel.onmicrosoft.com", "active");
    private static readonly CustomerTenant Northwind = Tenant("Northwind Traders", "northwind.onmicrosoft.com", "none");
    private static readonly CustomerTenant Woodgrove = Tenant("Woodgrove Bank", "woodgrove.onmicrosoft.com", "expired", Now.AddDays(-3));
    private static readonly CustomerTenant Litware = Tenant("Litware", "litware.onmicrosoft.com", "active", Now.AddDays(-1));
    private static readonly CustomerTenant Proseware = Tenant("Proseware", "proseware.onmicrosoft.com", "unknown");

    private static readonly IReadOnlyList<CustomerTenant> All = [Contoso, Fabrikam, TailspinToys, TailspinTravel, Northwind, Woodgrove, Litware, Proseware];

    private static readonly TenantSettings NoSettings = Settings();

    [Fact]
    public void No_selector_and_all_select_every_tenant_and_skip_those_without_active_GDAP()
    {
        foreach (var include in new IReadOnlyList<string>[] { [], ["all"], ["ALL"] })
        {
            var selection = TenantSelector.Select(All, include, [], NoSettings, Now);

            Assert.Equal([Contoso, Fabrikam, Proseware, TailspinToys, TailspinTravel], selection.Run);
            Assert.Equal([Litware, Northwind, Woodgrove], selection.Skipped.Select(s => s.Tenant));
        }
    }

    [Fact]
    public void Skipped_tenants_carry_the_reason()
    {
        var skipped = TenantSelector.Select(All, ["all"], [], NoSettings, Now).Skipped.ToDictionary(s => s.Tenant, s => s.Reason);

        Assert.Contains("No GDAP relationship", skipped[Northwind]);
        Assert.Contains("expired", skipped[Woodgrove]);
        Assert.Contains(Now.AddDays(-3).ToString("yyyy-MM-dd"), skipped[Woodgrove]);
        Assert.Contains("ended on", skipped[Litware]);
    }

    [Fact]
    public void A_tenant_is_found_by_id_customer_id_domain_or_company_name_in_any_case()
    {
        Assert.Equal([Fabrikam], Run([Fabrikam.Id.ToString()]));
        Assert.Equal([Fabrikam], Run([Fabrikam.Id.ToString().ToUpperInvariant()]));
        Assert.Equal([Fabrikam], Run([Fabrikam.CustomerId]));
        Assert.Equal([Fabrikam], Run(["FABRIKAM.onmicrosoft.com"]));
        Assert.Equal([Fabrikam], Run(["fabrikam inc"]));
    }

    [Fact]
    public void Selectors_are_repeatable_and_their_union_runs_once_each()
    {
        Assert.Equal([Contoso, Fabrikam], Run(["fabrikam.onmicrosoft.com", "Contoso Ltd", Fabrikam.Id.ToString()]));
    }

    [Fact]
    public void Name_globs_match_company_names()
    {
        Assert.Equal([TailspinToys, TailspinTravel], Run(["name:Tailspin*"]));
        Assert.Equal([TailspinToys], Run(["name:*toys"]));
        Assert.Equal([Fabrikam], Run(["name:Fabrikam In?"]));
    }

    [Fact]
    public void A_bare_glob_matches_domains_too()
    {
        Assert.Equal([TailspinToys, TailspinTravel], Run(["tailspin*.onmicrosoft.com"]));
    }

    [Fact]
    public void Groups_come_from_runner_yaml_and_may_mix_forms_and_nest()
    {
        var settings = Settings(groups: new()
        {
            ["eu"] = ["fabrikam.onmicrosoft.com", "name:Tailspin*"],
            ["all-eu"] = ["group:eu", "Contoso Ltd"],
        });

        Assert.Equal([Fabrikam, TailspinToys, TailspinTravel], TenantSelector.Select(All, ["group:eu"], [], settings, Now).Run);
        Assert.Equal([Contoso, Fabrikam, TailspinToys, TailspinTravel], TenantSelector.Select(All, ["group:all-eu"], [], settings, Now).Run);
    }

    [Fact]
    public void An_unknown_group_is_an_error_that_suggests_the_nearest()
    {
        var settings = Settings(groups: new() { ["europe"] = ["fabrikam.onmicrosoft.com"] });

        var error = Assert.Throws<TenantSelectionException>(() => TenantSelector.Select(All, ["group:eurpoe"], [], settings, Now));

        Assert.Contains("group:europe", error.Message);
    }

    [Fact]
    public void A_group_that_includes_itself_is_an_error()
    {
        var settings = Settings(groups: new() { ["loop"] = ["group:loop"] });

        Assert.Throws<TenantSelectionException>(() => TenantSelector.Select(All, ["group:loop"], [], settings, Now));
    }

    [Fact]
    public void Excludes_are_repeatable_and_take_every_form()
    {
        var selection = TenantSelector.Select(All, ["all"], ["name:Tailspin T?ys", Contoso.Id.ToString(), "proseware.onmicrosoft.com"], NoSettings, Now);

        Assert.Equal([Fabrikam, TailspinTravel], selection.Run);
    }

    [Fact]
    public void Runner_yaml_exclusions_apply_to_every_run_even_explicit_selections()
    {
        var settings = Settings(exclude: ["contoso.onmicrosoft.com", "name:Tailspin*"]);

        Assert.Equal([Fabrikam, Proseware], TenantSelector.Select(All, ["all"], [], settings, Now).Run);
        Assert.Empty(TenantSelector.Select(All, ["contoso.onmicrosoft.com"], [], settings, Now).Run);
    }

    [Fact]
    public void A_runner_yaml_exclusion_naming_a_customer_that_is_gone_is_ignored()
    {
        var settings = Settings(exclude: ["gone.onmicrosoft.com", "group:nope"]);

        Assert.Equal(5, TenantSelector.Select(All, ["all"], [], settings, Now).Run.Count);
    }

    [Fact]
    public void An_unknown_tenant_is_an_error_that_lists_the_nearest_matches()
    {
        var error = Assert.Throws<TenantSelectionException>(() => TenantSelector.Select(All, ["fabrikan.onmicrosoft.com"], [], NoSettings, Now));

        Assert.Contains("fabrikan.onmicrosoft.com", error.Message);
        Assert.Contains("Nearest matches: fabrikam.onmicrosoft.com", error.Message);
    }

    [Fact]
    public void An_unknown_exclusion_on_the_command_line_is_an_error_too()
    {
        var error = Assert.Throws<TenantSelectionException>(() => TenantSelector.Select(All, ["all"], ["name:Nothing Like It*"], NoSettings, Now));

        Assert.Contains("name:Nothing Like It*", error.Message);
    }

    [Fact]
    public void An_explicitly_selected_tenant_without_GDAP_is_skipped_not_failed()
    {
        var selection = TenantSelector.Select(All, ["northwind.onmicrosoft.com"], [], NoSettings, Now);

        Assert.Empty(selection.Run);
        Assert.Equal(Northwind, Assert.Single(selection.Skipped).Tenant);
    }

    private static IReadOnlyList<CustomerTenant> Run(IReadOnlyList<string> include) => TenantSelector.Select(All, include, [], NoSettings, Now).Run;

    private static TenantSettings Settings(IReadOnlyList<string>? exclude = null, Dictionary<string, IReadOnlyList<string>>? groups = null) =>
        new(exclude ?? [], groups ?? new Dictionary<string, IReadOnlyList<string>>(), TimeSpan.FromHours(1));

    private static CustomerTenant Tenant(string name, string domain, string gdap, DateTimeOffset? ends = null)
    {
        var id = Guid.NewGuid();
        return new CustomerTenant
        {
            Id = id,
            Domain = domain,
            CompanyName = name,
            CustomerId = Guid.NewGuid().ToString(),
            Gdap = gdap switch
            {
                "none" => GdapAccess.None,
                "unknown" => GdapAccess.Unknown,
                _ => new GdapAccess(gdap, ends ?? Now.AddDays(200), $"{name} admin"),
            },
        };
    }
}

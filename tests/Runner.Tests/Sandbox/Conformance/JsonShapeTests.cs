using System.Text.Json.Nodes;

namespace Runner.Tests.Sandbox.Conformance;

/// <summary>The shape checker itself: it must catch what the conformance tests rely on it to catch.</summary>
public sealed class JsonShapeTests
{
    [Fact]
    public void A_missing_property_a_wrong_type_and_an_empty_item_list_are_all_reported()
    {
        var response = JsonNode.Parse("""
            { "code": 412, "description": "x", "source": "PartnerFD" }
            """);

        var errors = JsonShape.Check("PartnerCenter/error.json", response);

        Assert.Contains(errors, e => e.Contains("$.code: expected string"));
        Assert.Contains(errors, e => e.Contains("$.data: missing"));
        Assert.Equal(2, errors.Count);
        Assert.Contains(JsonShape.Check("ResourceManager/subscription-list.json", JsonNode.Parse("""{ "value": [] }""")), e => e.Contains("empty"));
    }

    [Fact]
    public void An_exact_shape_refuses_extra_properties_and_a_nullable_one_accepts_null()
    {
        var user = JsonNode.Parse("""
            { "@odata.context": "https://x/v1.0/$metadata#users/$entity", "businessPhones": [], "displayName": null, "givenName": null,
              "jobTitle": null, "mail": null, "mobilePhone": null, "officeLocation": null, "preferredLanguage": null, "surname": null,
              "userPrincipalName": "a@b.c", "id": "3f1b1c2e-8d4e-4a57-9d7b-0c1f1d1e2a3b", "accountEnabled": true }
            """);

        var errors = JsonShape.Check("Graph/user.json", user);

        Assert.Equal(["$.accountEnabled: not expected here"], errors.Select(e => e[..e.IndexOf(" (", StringComparison.Ordinal)]));
    }
}

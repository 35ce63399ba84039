using System.Text.Json;
using Runner.Sandbox.Data;

namespace Runner.Sandbox.PartnerCenter;

/// <summary>
/// The customers list's filter query parameter: URL-encoded JSON such as
/// {"Field":"Domain","Value":"cont","Operator":"starts_with"}. Partner Center filters by company name or domain
/// with starts_with only; anything else is refused rather than ignored.
/// </summary>
internal static class CustomerFilter
{
    public static bool TryParse(string? text, out Func<SandboxTenant, bool>? filter, out string error)
    {
        filter = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        string? field, value, op;
        try
        {
            using var document = JsonDocument.Parse(text);
            field = Property(document.RootElement, "Field");
            value = Property(document.RootElement, "Value");
            op = Property(document.RootElement, "Operator");
        }
        catch (JsonException)
        {
            error = "filter must be JSON, for example {\"Field\":\"CompanyName\",\"Value\":\"Con\",\"Operator\":\"starts_with\"}.";
            return false;
        }

        if (!string.Equals(op, "starts_with", StringComparison.OrdinalIgnoreCase))
        {
            error = $"filter operator '{op}' is not supported; use starts_with.";
            return false;
        }

        if (string.IsNullOrEmpty(value))
        {
            error = "filter needs a Value.";
            return false;
        }

        Func<SandboxTenant, string>? selector = field?.ToLowerInvariant() switch
        {
            "companyname" => t => t.DisplayName,
            "domain" => t => t.Domain,
            _ => null,
        };
        if (selector is null)
        {
            error = $"filter field '{field}' is not supported; use CompanyName or Domain.";
            return false;
        }

        filter = t => selector(t).StartsWith(value, StringComparison.OrdinalIgnoreCase);
        return true;
    }

    private static string? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        return null;
    }
}

using Runner.Sandbox.Data;

namespace Runner.Sandbox.PartnerCenter;

/// <summary>Whether Partner Center takes a subscription PATCH: the etag first (a stale body says nothing about what
/// the caller meant to change), then the state rules.</summary>
internal static class SubscriptionChange
{
    /// <summary>
    /// Why the change to <paramref name="quantity"/> and <paramref name="status"/> is refused, or null (call under the
    /// customer's lock). A suspended subscription can only be reactivated, at its quantity ("Change the quantity of
    /// licenses": code 2001 while it is not active); suspending it and changing its quantity are separate requests.
    /// </summary>
    public static (int Status, string Code, string Message)? Refusal(PartnerSubscription sub, int quantity, string status, string etag)
    {
        if (etag.Length == 0 || etag != sub.Etag)
        {
            return (400, "2055", "Etag is no longer valid.");
        }

        var quantityChanges = quantity != sub.Quantity;
        if (sub.Status != "active" && (status != "active" || quantityChanges))
        {
            return (400, "2001", $"Subscription quantity cannot be increased or decreased while the subscription is {sub.Status}.");
        }

        if (sub.Status == "active" && status != "active" && quantityChanges)
        {
            return (400, "800002", "Invalid request input: a subscription's quantity and status are changed in separate requests.");
        }

        return null;
    }
}

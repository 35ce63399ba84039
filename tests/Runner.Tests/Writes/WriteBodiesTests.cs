using System.Text;
using Runner.Redaction;
using Runner.Writes;

namespace Runner.Tests.Writes;

public sealed class WriteBodiesTests
{
    private static readonly SecretRedactor Redactor = new();

    [Fact]
    public void Secret_fields_are_masked_at_any_depth_and_the_rest_is_kept()
    {
        var (body, hash, summary) = WriteBodies.Describe(Encoding.UTF8.GetBytes(
            """{"displayName":"Ada","passwordProfile":{"password":"Hunter2-Hunter2","forceChangePasswordNextSignIn":true},"passwordCredentials":[{"secretText":"abc"}],"clientSecret":"xyz-very-secret"}"""),
            "application/json", Redactor);

        Assert.Contains("\"displayName\":\"Ada\"", body);
        Assert.DoesNotContain("Hunter2", body);
        Assert.DoesNotContain("xyz-very-secret", body);
        Assert.DoesNotContain("secretText\":\"abc", body);
        Assert.Contains(SecretRedactor.Mask, body);
        Assert.StartsWith("sha256:", hash);
        Assert.Equal(body!.Length <= WriteBodies.SummaryLimit ? body : body[..(WriteBodies.SummaryLimit - 1)] + "…", summary);
    }

    [Fact]
    public void The_hash_is_of_the_masked_body_so_it_cannot_be_used_to_guess_a_password()
    {
        var one = WriteBodies.Describe(Encoding.UTF8.GetBytes("""{"passwordProfile":{"password":"one-password"}}"""), "application/json", Redactor);
        var two = WriteBodies.Describe(Encoding.UTF8.GetBytes("""{"passwordProfile":{"password":"another-password"}}"""), "application/json", Redactor);

        Assert.Equal(one.Hash, two.Hash);
    }

    [Fact]
    public void Values_the_run_knows_as_secrets_are_masked_wherever_they_appear()
    {
        var redactor = new SecretRedactor();
        redactor.Add("psa-key-0123456789");

        var (body, _, _) = WriteBodies.Describe(Encoding.UTF8.GetBytes("""{"note":"key is psa-key-0123456789"}"""), "application/json", redactor);

        Assert.DoesNotContain("psa-key-0123456789", body);
    }

    [Fact]
    public void Form_bodies_have_their_secret_fields_masked()
    {
        var masked = WriteBodies.Mask("grant_type=client_credentials&client_secret=abc123&scope=x", "application/x-www-form-urlencoded");

        Assert.Equal($"grant_type=client_credentials&client_secret={SecretRedactor.Mask}&scope=x", masked);
    }

    [Fact]
    public void A_large_body_is_cut_to_the_stored_limit_and_its_summary_to_one_short_line()
    {
        var big = "{\"notes\":\"" + new string('x', 10_000) + "\"}";

        var (body, hash, summary) = WriteBodies.Describe(Encoding.UTF8.GetBytes(big), "application/json", Redactor);

        Assert.StartsWith(big[..WriteBodies.StoredLimit], body);
        Assert.Contains("more characters", body);
        Assert.True(summary!.Length <= WriteBodies.SummaryLimit);
        Assert.NotNull(hash);
    }

    [Fact]
    public void Binary_bodies_are_described_not_kept()
    {
        var (body, hash, _) = WriteBodies.Describe([0xff, 0xfe, 0x00, 0x81], "application/octet-stream", Redactor);

        Assert.Equal("(4 bytes of application/octet-stream)", body);
        Assert.Null(hash);
    }
}

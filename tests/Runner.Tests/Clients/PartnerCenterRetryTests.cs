using Runner.Clients.PartnerCenter;
using Runner.Runtime;
using Runner.Sandbox;
using Runner.Sandbox.Hosting;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Clients;

/// <summary>A sandbox of its own: these tests throttle and fail its Partner Center.</summary>
public sealed class PartnerCenterFaultFixture : SandboxFixture;

/// <summary>
/// Partner Center's retries as the sandbox sees them: 429 and 5xx are retried, Retry-After is honoured, and every
/// attempt of one call carries the same MS-RequestId and MS-CorrelationId while different calls get different ones.
/// </summary>
public sealed class PartnerCenterRetryTests(PartnerCenterFaultFixture sandbox) : IClassFixture<PartnerCenterFaultFixture>, IDisposable
{
    private SandboxHost Host => sandbox.Host;

    public void Dispose() => Host.Faults.Clear();

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Failed_attempts_are_retried_with_the_same_request_id_until_the_call_succeeds(int status)
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "limits: { retries: 10, retryDelay: 0s }");
        await using var session = await Sessions.OpenAsync(workspace);
        var customers = await session.Clients.PartnerCenter(null, CancellationToken.None).ListCustomersAsync();
        var faults = Host.Faults.For("partnerCenter");
        faults.RetryAfterSeconds = 0;
        if (status == 429)
        {
            faults.ThrottleRate = 0.3;
        }
        else
        {
            faults.ErrorRate = 0.3;
        }

        Host.Requests.Clear();
        const int calls = 50;
        for (var i = 0; i < calls; i++)
        {
            var customer = customers[i % customers.Count];
            var subscriptions = await session.Clients.PartnerCenter(customer.Id, CancellationToken.None).GetSubscriptionsAsync();
            Assert.NotNull(subscriptions);
        }

        Host.Faults.Clear();
        var attempts = PartnerCenterRequests().GroupBy(r => r.RequestId).ToList();
        Assert.Equal(calls, attempts.Count);
        Assert.All(attempts, call =>
        {
            Assert.NotNull(call.Key);
            Assert.Equal(200, call.Last().StatusCode);
            Assert.All(call.SkipLast(1), attempt => Assert.Equal(status, attempt.StatusCode));
            Assert.Single(call.Select(a => a.CorrelationId).Distinct());
        });
        Assert.Contains(attempts, call => call.Count() > 1);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "limits: { retries: 10, retryDelay: 0s }");
        await using var session = await Sessions.OpenAsync(workspace);
        var customer = (await session.Clients.PartnerCenter(null, CancellationToken.None).ListCustomersAsync())[0];
        Host.Requests.Clear();
        Host.Faults.For("partnerCenter").RetryAfterSeconds = 1;
        Host.Faults.For("partnerCenter").ThrottleRate = 1;

        var call = session.Clients.PartnerCenter(customer.Id, CancellationToken.None).GetSubscriptionsAsync();
        await Eventually.TrueAsync(() => Task.FromResult(PartnerCenterRequests().Any(r => r.StatusCode == 429)), TimeSpan.FromSeconds(30), "a throttled Partner Center request");

        Host.Faults.Clear();
        await call;

        var attempts = PartnerCenterRequests();
        Assert.Single(attempts.Select(a => a.RequestId).Distinct());
        Assert.Equal(200, attempts[^1].StatusCode);
        for (var i = 1; i < attempts.Count; i++)
        {
            Assert.Equal(429, attempts[i - 1].StatusCode);
            Assert.True(attempts[i].At - attempts[i - 1].At >= TimeSpan.FromMilliseconds(950),
                $"attempt {i + 1} came {(attempts[i].At - attempts[i - 1].At).TotalMilliseconds} ms after a 429 with Retry-After: 1");
        }
    }

    [Fact]
    public async Task When_retries_run_out_the_error_names_the_status_and_request_id()
    {
        using var workspace = await new Workspace().WithSandboxAsync(Host, "limits: { retries: 2, retryDelay: 0s }");
        await using var session = await Sessions.OpenAsync(workspace);
        var customer = (await session.Clients.PartnerCenter(null, CancellationToken.None).ListCustomersAsync())[0];
        Host.Requests.Clear();
        Host.Faults.For("partnerCenter").RetryAfterSeconds = 0;
        Host.Faults.For("partnerCenter").ThrottleRate = 1;

        var error = await Assert.ThrowsAsync<PartnerCenterException>(() =>
            session.Clients.PartnerCenter(customer.Id, CancellationToken.None).GetSubscriptionsAsync());

        var attempts = PartnerCenterRequests();
        Assert.Equal(3, attempts.Count);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(attempts[0].RequestId, error.RequestId);
        Assert.All(attempts, a => Assert.Equal(error.RequestId, a.RequestId));
        Assert.Contains("429", error.Message);
    }

    private List<SandboxRequest> PartnerCenterRequests() =>
        Host.Requests.Snapshot().Where(r => r.Api == "partnerCenter").OrderBy(r => r.At).ToList();
}

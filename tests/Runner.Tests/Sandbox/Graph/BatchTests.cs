using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Runner.Sandbox.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Sandbox.Graph;

/// <summary>
/// POST /v1.0/$batch as GraphServiceClient's Batch sends it and as "Combine multiple HTTP requests using JSON
/// batching" describes it: each request answered on its own, writes that stay, dependsOn order and 424, the limits.
/// </summary>
public sealed class BatchTests(SandboxSessionFixture fixture) : IClassFixture<SandboxSessionFixture>
{
    [Fact]
    public async Task A_batch_sent_with_the_SDK_answers_each_request_and_its_writes_show_in_later_reads()
    {
        var customer = Writable(0);
        var graph = fixture.Clients.Graph(customer.Id);
        var leaver = customer.Content.Users.First(u => u.AccountEnabled && u.UserType == "Member" && u != customer.Content.Users[0]);
        var guest = customer.Content.Users.First(u => u.UserType == "Guest");
        var group = customer.Content.Directory.Groups.Single(g => g.DisplayName == "Leadership");
        var newcomer = customer.Content.Users.First(u => u.UserType == "Member" && !group.MemberIds.Contains(u.Id));

        var batch = new BatchRequestContentCollection(graph);
        var disable = await batch.AddBatchRequestStepAsync(graph.Users[leaver.Id.ToString()].ToPatchRequestInformation(new User { AccountEnabled = false }));
        var readGuest = await batch.AddBatchRequestStepAsync(graph.Users[guest.UserPrincipalName].ToGetRequestInformation());
        var addMember = await batch.AddBatchRequestStepAsync(graph.Groups[group.Id.ToString()].Members.Ref.ToPostRequestInformation(
            new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{newcomer.Id}" }));
        var missing = await batch.AddBatchRequestStepAsync(graph.Users[Guid.NewGuid().ToString()].ToGetRequestInformation());
        var responses = await graph.Batch.PostAsync(batch);
        var statuses = await responses.GetResponsesStatusCodesAsync();
        var guestRead = await responses.GetResponseByIdAsync<User>(readGuest);

        var leaverAfter = await graph.Users[leaver.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["accountEnabled"]);
        var members = await graph.Groups[group.Id.ToString()].Members.GetAsync(r => r.QueryParameters.Top = 999);

        Assert.Equal(HttpStatusCode.NoContent, statuses[disable]);
        Assert.Equal(HttpStatusCode.OK, statuses[readGuest]);
        Assert.Equal(HttpStatusCode.NoContent, statuses[addMember]);
        Assert.Equal(HttpStatusCode.NotFound, statuses[missing]);
        Assert.Equal(guest.Id.ToString(), guestRead.Id);
        Assert.False(leaverAfter!.AccountEnabled);
        Assert.Contains(newcomer.Id.ToString(), members!.Value!.Select(m => m.Id));
    }

    [Fact]
    public async Task The_SDK_splits_more_than_20_requests_into_batches_the_sandbox_takes()
    {
        var customer = Writable(3);
        var graph = fixture.Clients.Graph(customer.Id);
        var users = Enumerable.Range(0, 25).Select(i => customer.Content.Users[i % customer.Content.Users.Count]).ToList();
        var before = fixture.Host.Counters.GetEndpoint("POST /v1.0/$batch");

        var batch = new BatchRequestContentCollection(graph);
        foreach (var user in users)
        {
            await batch.AddBatchRequestStepAsync(graph.Users[user.Id.ToString()].ToGetRequestInformation(r => r.QueryParameters.Select = ["id"]));
        }

        var statuses = await (await graph.Batch.PostAsync(batch)).GetResponsesStatusCodesAsync();

        Assert.Equal(25, statuses.Count);
        Assert.All(statuses.Values, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(2, fixture.Host.Counters.GetEndpoint("POST /v1.0/$batch") - before);
    }

    [Fact]
    public async Task DependsOn_runs_requests_in_order_and_a_failed_dependency_answers_424_without_running()
    {
        var customer = Writable(1);
        var first = customer.Content.Users.First(u => u.AccountEnabled && u.UserType == "Member" && u != customer.Content.Users[0]);
        var second = customer.Content.Users.Last(u => u.AccountEnabled && u.UserType == "Member");
        using var raw = fixture.Clients.RawGraph(customer.Id);

        var body = await Post(raw, $$$"""
            {"requests": [
              {"id": "1", "method": "PATCH", "url": "/users/{{{first.Id}}}", "headers": {"Content-Type": "application/json"}, "body": {"jobTitle": "Interim CFO"}},
              {"id": "2", "dependsOn": ["1"], "method": "GET", "url": "users/{{{first.Id}}}?$select=id,jobTitle"},
              {"id": "3", "method": "GET", "url": "/users/{{{Guid.NewGuid()}}}"},
              {"id": "4", "dependsOn": ["3"], "method": "PATCH", "url": "/users/{{{second.Id}}}", "headers": {"Content-Type": "application/json"}, "body": {"accountEnabled": false}}
            ]}
            """);
        var responses = body["responses"]!.AsArray().ToDictionary(r => (string)r!["id"]!, r => r!);

        Assert.Equal(4, responses.Count);
        Assert.Equal(204, (int)responses["1"]["status"]!);
        Assert.Equal("Interim CFO", (string)responses["2"]["body"]!["jobTitle"]!);
        Assert.StartsWith("application/json", (string)responses["2"]["headers"]!["Content-Type"]!);
        Assert.Equal(404, (int)responses["3"]["status"]!);
        Assert.Equal("Request_ResourceNotFound", (string)responses["3"]["body"]!["error"]!["code"]!);
        Assert.Equal(424, (int)responses["4"]["status"]!);
        Assert.True(second.AccountEnabled);
    }

    [Theory]
    [InlineData(21, false, false, "20")]
    [InlineData(2, true, false, "unique")]
    [InlineData(1, false, true, "Write request id : 1 does not contain Content-Type header or body.")]
    [InlineData(0, false, false, "no requests")]
    public async Task A_malformed_batch_is_refused_whole_with_400(int count, bool duplicateIds, bool writeWithoutContentType, string message)
    {
        var customer = Writable(2);
        var user = customer.Content.Users[1];
        using var raw = fixture.Clients.RawGraph(customer.Id);
        var requests = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            var request = new JsonObject { ["id"] = duplicateIds ? "A" : $"{i}", ["method"] = "GET", ["url"] = $"/users/{user.Id}" };
            if (writeWithoutContentType)
            {
                request["method"] = "PATCH";
                request["body"] = new JsonObject { ["jobTitle"] = "Never set" };
            }

            requests.Add(request);
        }

        using var response = await raw.PostAsync("$batch", new StringContent(new JsonObject { ["requests"] = requests }.ToJsonString(), Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (string)error["code"]!);
        Assert.Contains(message, (string)error["message"]!);
        Assert.NotEqual("Never set", user.JobTitle);
    }

    [Fact]
    public async Task Each_batched_request_meets_the_GDAP_roles_of_the_tenant_on_its_own()
    {
        var readOnly = fixture.Host.Context.Directory.Customers.First(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && !fixture.Host.IsWritable(c));
        var user = readOnly.Content.Users[1];
        using var raw = fixture.Clients.RawGraph(readOnly.Id);

        var body = await Post(raw, $$$"""
            {"requests": [
              {"id": "read", "method": "GET", "url": "/users/{{{user.Id}}}"},
              {"id": "write", "method": "PATCH", "url": "/users/{{{user.Id}}}", "headers": {"Content-Type": "application/json"}, "body": {"accountEnabled": false}}
            ]}
            """);
        var responses = body["responses"]!.AsArray().ToDictionary(r => (string)r!["id"]!, r => r!);

        Assert.Equal(200, (int)responses["read"]["status"]!);
        Assert.Equal(403, (int)responses["write"]["status"]!);
        Assert.Equal("Authorization_RequestDenied", (string)responses["write"]["body"]!["error"]!["code"]!);
        Assert.Equal(user.AccountEnabled, readOnly.Content.Users[1].AccountEnabled);
    }

    [Fact]
    public async Task Batched_requests_are_counted_one_by_one_like_requests_sent_alone()
    {
        var customer = Writable(2);
        using var raw = fixture.Clients.RawGraph(customer.Id);
        var before = fixture.Host.Counters.GetEndpoint("GET /v1.0/users/{id}");

        await Post(raw, $$$"""
            {"requests": [
              {"id": "1", "method": "GET", "url": "/users/{{{customer.Content.Users[0].Id}}}"},
              {"id": "2", "method": "GET", "url": "/users/{{{customer.Content.Users[1].Id}}}"}
            ]}
            """);

        Assert.Equal(2, fixture.Host.Counters.GetEndpoint("GET /v1.0/users/{id}") - before);
    }

    private static async Task<JsonNode> Post(HttpClient raw, string json)
    {
        using var response = await raw.PostAsync("$batch", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private SandboxTenant Writable(int n) =>
        fixture.Host.Context.Directory.Customers.Where(c =>
            fixture.Host.Context.Directory.HasActiveRelationship(c, fixture.Host.Clock.GetUtcNow()) && fixture.Host.IsWritable(c)).Skip(n).First();
}

using Runner.Writes;

namespace Runner.Tests.Writes;

public sealed class WriteClassifierTests
{
    [Theory]
    [InlineData("GET", "https://graph.microsoft.com/v1.0/users", false)]
    [InlineData("HEAD", "https://management.azure.com/subscriptions", false)]
    [InlineData("PATCH", "https://graph.microsoft.com/v1.0/users/1", true)]
    [InlineData("DELETE", "https://graph.microsoft.com/v1.0/users/1", true)]
    [InlineData("PUT", "https://management.azure.com/subscriptions/s/resourcegroups/rg?api-version=2022-09-01", true)]
    [InlineData("POST", "https://graph.microsoft.com/v1.0/users", true)]
    [InlineData("POST", "https://graph.microsoft.com/v1.0/users/1/assignLicense", true)]
    [InlineData("POST", "https://graph.microsoft.com/v1.0/directoryObjects/getByIds", false)]
    [InlineData("POST", "https://graph.microsoft.com/v1.0/users/1/getMemberGroups", false)]
    [InlineData("POST", "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/listKeys?api-version=2023-01-01", false)]
    [InlineData("POST", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01", false)]
    [InlineData("POST", "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/powerOff?api-version=2024-03-01", true)]
    [InlineData("POST", "https://api.partnercenter.microsoft.com/v1/customers/c/carts", true)]
    [InlineData("POST", "https://outlook.office365.com/adminapi/beta/t/InvokeCommand", true)]
    public void Every_post_put_patch_and_delete_is_a_write_except_the_posts_that_read(string method, string url, bool write) =>
        Assert.Equal(write, WriteClassifier.IsWrite(new HttpMethod(method), new Uri(url)));

    [Fact]
    public void A_graph_batch_is_recognised_and_its_items_resolve_against_its_version()
    {
        var batch = new Uri("https://graph.microsoft.com/v1.0/$batch");

        Assert.True(WriteClassifier.IsGraphBatch(HttpMethod.Post, batch));
        Assert.Equal("https://graph.microsoft.com/v1.0/users/1", WriteClassifier.Resolve(batch, "/users/1").AbsoluteUri);
        Assert.Equal("https://graph.microsoft.com/v1.0/users/1", WriteClassifier.Resolve(batch, "users/1").AbsoluteUri);
        Assert.True(WriteClassifier.IsWrite("patch", batch, "/users/1"));
        Assert.False(WriteClassifier.IsWrite("GET", batch, "/users/1"));
    }
}

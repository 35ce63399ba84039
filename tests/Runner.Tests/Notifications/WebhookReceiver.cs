using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Runner.Tests.Notifications;

/// <summary>A webhook endpoint for tests: Kestrel on a free loopback port, keeping every JSON body posted to it.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Path, JsonNode Body)> Received { get; } = new();

    /// <summary>Answer this status instead of 200 (a failing receiver).</summary>
    public int Status { get; set; } = 200;

    public Uri Url(string path) => new(new Uri(_app.Urls.First()), path);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            if (receiver.Status == 200)
            {
                receiver.Received.Enqueue((http.Request.Path, body!));
            }

            return Results.StatusCode(receiver.Status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Http;

namespace Runner.Sandbox.Hosting;

/// <summary>
/// The request ids each service puts on every answer, so a client's error report can quote them as it would for
/// Microsoft support. Graph: `request-id` and `client-request-id` (echoing the client's), "Microsoft Graph REST API
/// v1.0 endpoint reference" (response headers); ARM: `x-ms-request-id` and `x-ms-correlation-request-id`, "Azure
/// Resource Manager request headers"; Partner Center: `MS-RequestId` and `MS-CorrelationId` (echoed when the client
/// sent them), "Partner Center REST request and response headers".
/// </summary>
internal static class RequestIdHeaders
{
    public static Task Invoke(HttpContext http, RequestDelegate next)
    {
        var id = Guid.NewGuid().ToString();
        var request = http.Request.Headers;
        var response = http.Response.Headers;
        switch (ApiClassifier.Api(http.Request.Path))
        {
            case "graph":
                response["request-id"] = id;
                response["client-request-id"] = request.TryGetValue("client-request-id", out var client) ? client.ToString() : id;
                break;
            case "arm":
                response["x-ms-request-id"] = id;
                response["x-ms-correlation-request-id"] = request.TryGetValue("x-ms-correlation-request-id", out var correlation) ? correlation.ToString() : id;
                break;
            case "partnerCenter":
                response["MS-RequestId"] = request.TryGetValue("MS-RequestId", out var requestId) ? requestId.ToString() : id;
                response["MS-CorrelationId"] = request.TryGetValue("MS-CorrelationId", out var pcCorrelation) ? pcCorrelation.ToString() : id;
                break;
        }

        return next(http);
    }
}

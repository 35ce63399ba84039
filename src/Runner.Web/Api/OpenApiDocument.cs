namespace Runner.Web.Api;

/// <summary>The API's OpenAPI 3.1 description, written by hand so it says what each call is for.</summary>
internal static class OpenApiDocument
{
    public const string Json = """
        {
          "openapi": "3.1.0",
          "info": { "title": "Runner console API", "version": "1" },
          "components": { "securitySchemes": { "apiKey": { "type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "A key from `runner apikey create NAME --role operator|viewer` (or Authorization: ApiKey KEY)." } } },
          "security": [ { "apiKey": [] } ],
          "paths": {
            "/api/v1/jobs": { "get": { "summary": "Jobs with schedule, time zone, next fire and state." } },
            "/api/v1/jobs/{name}/trigger": { "post": { "summary": "Run a job now through the scheduler (Operator). Body: {\"parameters\": {\"name\": \"value\"}, \"tenants\": [\"contoso.com\", \"group:pilot\"]} (tenants: optional, else the job's own). Answers 202 with the run id." } },
            "/api/v1/jobs/{name}/pause": { "post": { "summary": "Pause a job's schedule (Operator)." } },
            "/api/v1/jobs/{name}/resume": { "post": { "summary": "Resume a job's schedule (Operator)." } },
            "/api/v1/runs": { "get": { "summary": "Runs, newest first, 100 a page. Query: job, status, tenant, from, to (yyyy-MM-dd), page." } },
            "/api/v1/runs/{id}": { "get": { "summary": "One run (id or id prefix) with every tenant's status, duration, result, error and log." } },
            "/api/v1/runs/{id}/cancel": { "post": { "summary": "Cancel a running run (Operator): the process running it, on any node, stops it within a few seconds. Answers 202." } },
            "/api/v1/runs/{id}/tenants/{tenant}/log": { "get": { "summary": "One tenant's log lines in a run (tenant id or domain)." } },
            "/api/v1/tenants": { "get": { "summary": "Customers with GDAP status, end date and roles." } },
            "/api/v1/credential": { "get": { "summary": "The partner credential's health and days left (never the token)." } },
            "/healthz": { "get": { "summary": "200 when history and the scheduler store answer, 503 otherwise.", "security": [] } }
          }
        }
        """;
}

using System.Reflection;

namespace WebDiffusion.Server.SdApi;

/// <summary><c>GET /openapi.json</c>: the OpenAPI 3.0 document of the /api and /sdapi routes, built from the live route table.</summary>
public static class OpenApiEndpoints
{
    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder endpoints)
    {
        var version = typeof(OpenApiEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";
        endpoints.MapGet("/openapi.json", (EndpointDataSource source) =>
            Results.Content(OpenApiDocumentBuilder.Build(source, version).ToJsonString(), "application/json"));
        return endpoints;
    }
}

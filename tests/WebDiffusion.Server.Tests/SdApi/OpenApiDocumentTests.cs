using WebDiffusion.Server.Tests.Infrastructure;
using System.Net;
using Microsoft.AspNetCore.Routing;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Tests.SdApi;

public class OpenApiDocumentTests
{
    [Fact]
    public async Task Every_mapped_api_and_sdapi_route_is_in_openapi_json()
    {
        await using var server = await LoopbackServer.StartAsync();
        var document = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/openapi.json"), HttpStatusCode.OK);
        Assert.StartsWith("3.0", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");

        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/{**path}");
        var routes = endpoints
            .Where(e => !e.RoutePattern.Parameters.Any(p => p.IsCatchAll))
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal) || r.Path.StartsWith("/sdapi/", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count >= 40, $"only {routes.Count} routes found");
        foreach (var (path, methods) in routes)
        {
            var openApiPath = System.Text.RegularExpressions.Regex.Replace(path.TrimEnd('/'), "\\{([^}:?=*]+)[^}]*\\}", "{$1}");
            Assert.True(paths.TryGetProperty(openApiPath, out var item), $"{openApiPath} missing from /openapi.json");
            foreach (var method in methods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {openApiPath} missing");
                Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
            }
        }

        // The main A1111 bodies have real schemas, and every $ref resolves.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal("#/components/schemas/StableDiffusionTxt2ImgProcessingAPI",
            paths.GetProperty("/sdapi/v1/txt2img").GetProperty("post").GetProperty("requestBody").GetProperty("content")
                .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/ExtrasSingleImageResponse",
            paths.GetProperty("/sdapi/v1/extra-single-image").GetProperty("post").GetProperty("responses").GetProperty("200").GetProperty("content")
                .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var json = document.GetRawText();
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(json, "#/components/schemas/([A-Za-z0-9]+)"))
        {
            Assert.True(schemas.TryGetProperty(match.Groups[1].Value, out _), match.Value);
        }

        Assert.False(paths.TryGetProperty("/openapi.json", out _));
        Assert.False(paths.TryGetProperty("/hubs/progress", out _));
    }

    [Fact]
    public void Route_patterns_become_openapi_paths_without_constraints()
    {
        var pattern = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/api/things/{id:guid}/parts/{part?}");
        Assert.Equal("/api/things/{id}/parts/{part}", OpenApiDocumentBuilder.PathOf(pattern));
        Assert.True(OpenApiDocumentBuilder.IsCovered("/sdapi/v1/options"));
        Assert.False(OpenApiDocumentBuilder.IsCovered("/apiary"));
    }
}

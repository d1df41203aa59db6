using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// Builds an OpenAPI 3.0 document of every <c>/api</c> and <c>/sdapi</c> route from the app's <see cref="EndpointDataSource"/>
/// at runtime (so no route can be missing), with the hand-written schemas of <see cref="OpenApiSchemas"/> for the main bodies.
/// </summary>
public static class OpenApiDocumentBuilder
{
    /// <summary>True for routes the document covers.</summary>
    public static bool IsCovered(string path) =>
        path.StartsWith("/api/", StringComparison.Ordinal) || path == "/api" || path.StartsWith("/sdapi/", StringComparison.Ordinal);

    /// <summary>
    /// True for the endpoints the document lists: routes under /api or /sdapi, except catch-all fallbacks (the JSON 404
    /// for unknown API paths) and endpoints marked <c>ExcludeFromDescription</c>.
    /// </summary>
    public static bool IsDocumented(RouteEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return IsCovered(PathOf(endpoint.RoutePattern))
            && !endpoint.RoutePattern.Parameters.Any(p => p.IsCatchAll)
            && endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true };
    }

    /// <summary>The OpenAPI path of a route pattern: literals as-is, parameters as <c>{name}</c> without constraints.</summary>
    public static string PathOf(RoutePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        })));
        return "/" + string.Join('/', segments);
    }

    /// <summary>The HTTP methods of an endpoint (lower case); an endpoint without method metadata answers every method, listed as GET.</summary>
    public static IReadOnlyList<string> MethodsOf(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return methods is { Count: > 0 } ? [.. methods.Select(m => m.ToLowerInvariant())] : ["get"];
    }

    /// <summary>The document for the endpoints of <paramref name="source"/>.</summary>
    public static JsonObject Build(EndpointDataSource source, string version)
    {
        ArgumentNullException.ThrowIfNull(source);
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var path = PathOf(endpoint.RoutePattern);
            if (!IsDocumented(endpoint))
            {
                continue;
            }

            if (!paths.TryGetValue(path, out var item))
            {
                item = [];
                paths[path] = item;
            }

            foreach (var method in MethodsOf(endpoint))
            {
                item[method] = Operation(endpoint, method, path);
            }
        }

        var pathsNode = new JsonObject();
        foreach (var (path, item) in paths)
        {
            pathsNode[path] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "WebDiffusion API",
                ["version"] = version,
                ["description"] = "WebDiffusion's own /api and AUTOMATIC1111-compatible /sdapi/v1 routes. Every route needs the same credentials as the UI (HTTP Basic with --api-auth).",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["components"] = new JsonObject
            {
                ["schemas"] = OpenApiSchemas.Components(),
                ["securitySchemes"] = new JsonObject { ["basic"] = new JsonObject { ["type"] = "http", ["scheme"] = "basic" } },
            },
            ["security"] = new JsonArray(new JsonObject { ["basic"] = new JsonArray() }),
            ["paths"] = pathsNode,
        };
    }

    private static JsonObject Operation(RouteEndpoint endpoint, string method, string path)
    {
        var key = method.ToUpperInvariant() + " " + path;
        var summary = endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary
            ?? OpenApiSchemas.Summary(key)
            ?? key;
        var operation = new JsonObject
        {
            ["summary"] = summary,
            ["operationId"] = OperationId(method, path),
            ["tags"] = new JsonArray(path.StartsWith("/sdapi/", StringComparison.Ordinal) ? "sdapi" : "api"),
        };
        var parameters = new JsonArray();
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = parameter.Name,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = ParameterSchema(parameter),
            });
        }

        foreach (var query in OpenApiSchemas.QueryParameters(key))
        {
            parameters.Add(query);
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (OpenApiSchemas.RequestSchema(key) is { } request)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = request } },
            };
        }

        var ok = new JsonObject { ["description"] = "Success" };
        if (OpenApiSchemas.ResponseSchema(key) is { } response)
        {
            ok["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = response } };
        }

        operation["responses"] = new JsonObject
        {
            ["200"] = ok,
            ["401"] = new JsonObject { ["description"] = "Credentials missing or wrong" },
            ["default"] = new JsonObject
            {
                ["description"] = "Error",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = OpenApiSchemas.Ref("HTTPError") } },
            },
        };
        return operation;
    }

    private static JsonObject ParameterSchema(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? string.Empty).ToList();
        if (constraints.Any(c => c is "int" or "long"))
        {
            return new JsonObject { ["type"] = "integer" };
        }

        return constraints.Contains("guid")
            ? new JsonObject { ["type"] = "string", ["format"] = "uuid" }
            : new JsonObject { ["type"] = "string" };
    }

    private static string OperationId(string method, string path)
    {
        var words = path.Split('/', '-', '{', '}', '.', '_').Where(w => w.Length > 0);
        return method + string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}

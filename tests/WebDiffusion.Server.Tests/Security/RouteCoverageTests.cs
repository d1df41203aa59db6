using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>
/// With credentials configured, every endpoint the running server has (read from its EndpointDataSource, so routes
/// added later are covered without editing this test) answers 401 to an anonymous client; only the liveness
/// probe and the sign-in endpoints are open.
/// </summary>
public class RouteCoverageTests
{
    private static readonly HashSet<string> OpenRoutes = new(StringComparer.OrdinalIgnoreCase) { "/health", "/login", "/logout" };

    [Fact]
    public async Task Every_route_but_health_and_login_needs_authentication()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        var requests = EnumerateRequests(server.Services).ToList();

        var listing = string.Join('\n', requests.Select(r => $"{r.Method} {r.Path} ({r.Pattern})"));
        Assert.True(requests.Count >= 10, "Too few endpoints found:\n" + listing);
        Assert.True(requests.Exists(r => r.Path == "/api/system" && r.Method == "GET"), listing);
        Assert.True(requests.Exists(r => r.Path == "/hubs/progress/negotiate" && r.Method == "POST"), listing);
        Assert.True(requests.Exists(r => r.Path.StartsWith("/api/jobs/", StringComparison.Ordinal) && r.Method == "POST"), listing);
        Assert.True(requests.Exists(r => r.Path.StartsWith("/api/", StringComparison.Ordinal) && r.Pattern.Contains("**", StringComparison.Ordinal)), listing);

        var failures = new List<string>();
        foreach (var (method, path, pattern) in requests.Where(r => !OpenRoutes.Contains(r.Pattern)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add("X-Requested-With", "XMLHttpRequest");
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await server.Client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {path} ({pattern}) -> {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, "Reachable without authentication:\n" + string.Join('\n', failures));
    }

    [Fact]
    public async Task Health_and_the_login_page_are_open()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var login = await server.Client.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/login\"", html, StringComparison.Ordinal);
        Assert.Contains("登录", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/index.html")]
    [InlineData("/assets/index-0000.js")]
    [InlineData("/favicon.ico")]
    public async Task Files_outside_any_endpoint_need_authentication_too(string path)
    {
        // Static files match no endpoint; the fallback policy still applies to them.
        await using var server = await SecurityServer.WithAuthAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_api_client_gets_401_with_a_basic_challenge_and_json()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var response = await server.Client.GetAsync(new Uri("/sdapi/v1/anything", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("realm=\"WebDiffusion\"", challenge.Parameter, StringComparison.Ordinal);

        // A fetch from a page gets no Basic challenge (the browser would pop up its own dialog over the UI).
        using var fetch = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        fetch.Headers.Add("Sec-Fetch-Mode", "cors");
        using var fromPage = await server.Client.SendAsync(fetch);
        Assert.Equal(HttpStatusCode.Unauthorized, fromPage.StatusCode);
        Assert.Empty(fromPage.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Without_credentials_configured_every_route_is_open_on_loopback()
    {
        await using var server = await SecurityServer.StartAsync();
        using var system = await server.Client.GetAsync(new Uri("/api/system", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, system.StatusCode);
        using var page = await server.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, page.StatusCode);
    }

    internal static IEnumerable<(string Method, string Path, string Pattern)> EnumerateRequests(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            // No method metadata: the endpoint answers any method; try a read and a write.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET", "POST"];
            var path = PathFor(endpoint.RoutePattern);
            foreach (var method in methods.Where(m => m is not ("OPTIONS" or "TRACE" or "CONNECT")))
            {
                yield return (method, path, endpoint.RoutePattern.RawText ?? path);
            }
        }
    }

    /// <summary>A concrete path for a route pattern: literals kept, each parameter replaced by a well-formed dummy.</summary>
    private static string PathFor(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => DummyFor(parameter),
                    _ => string.Empty,
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string DummyFor(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? string.Empty).ToList();
        return constraints switch
        {
            _ when constraints.Exists(c => c.StartsWith("int", StringComparison.Ordinal) || c.StartsWith("long", StringComparison.Ordinal)) => "1",
            _ when constraints.Contains("guid") => Guid.NewGuid().ToString(),
            _ when constraints.Contains("bool") => "true",
            _ => "0123456789abcdef0123456789abcdef",
        };
    }
}

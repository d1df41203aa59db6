using System.Net;

namespace WebDiffusion.Server.Hosting;

/// <summary>
/// What a path no endpoint and no file answers gets: 404. The SPA has one page (<c>/</c>, its tabs in the query string),
/// so nothing else is the SPA; extensions' and A1111's own routes (<c>/controlnet/*</c>, <c>/internal/*</c>, …) are probed
/// by status code, so they must not get the page with 200. API-looking paths and non-browser clients get FastAPI's JSON
/// (<c>{"detail": "Not Found", …}</c>); a browser navigation gets a short HTML page linking to the UI.
/// </summary>
public static class SpaFallbackExtensions
{
    private static readonly string[] ApiPrefixes = ["/api", "/sdapi", "/hubs", "/internal", "/controlnet", "/sd_extra_networks", "/run", "/queue"];

    /// <summary>
    /// Vite's hashed bundle names never change content: cached for a year; everything else (index.html) is revalidated.
    /// </summary>
    public static StaticFileOptions StaticFileOptions { get; } = new()
    {
        OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
            context.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
                ? "public, max-age=31536000, immutable"
                : "no-cache",
    };

    public static WebApplication MapSpaFallback(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var prefix in ApiPrefixes)
        {
            app.MapFallback(prefix + "/{**path}", (HttpContext context) => NotFoundJson(context));
        }

        // The page itself (routing runs before UseDefaultFiles could rewrite "/" to the file); anything else without a
        // file extension is unknown (paths with one that no file answers get the static-file 404).
        app.MapFallbackToFile("/", "index.html", StaticFileOptions);
        app.MapFallback((HttpContext context) => IsBrowserNavigation(context.Request) ? NotFoundPage(context) : NotFoundJson(context));
        return app;
    }

    /// <summary>True for a page load (Accept names text/html) of a path that does not look like an API.</summary>
    public static bool IsBrowserNavigation(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiPrefixes.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    private static IResult NotFoundJson(HttpContext context) => Results.Json(
        new
        {
            error = "Not Found",
            detail = "Not Found",
            body = (string?)null,
            errors = new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["path"] = [$"No endpoint at {context.Request.Method} {context.Request.Path}. The UI is at /; the API is under /sdapi/v1 (GET /openapi.json lists it)."],
            },
        },
        statusCode: StatusCodes.Status404NotFound);

    private static IResult NotFoundPage(HttpContext context)
    {
        var path = WebUtility.HtmlEncode(context.Request.Path.Value ?? string.Empty);
        return Results.Content(
            $"<!doctype html><html><head><meta charset=\"utf-8\"><title>Not Found</title></head><body><h1>Not Found</h1><p>Nothing at {path}.</p><p><a href=\"/\">Open WebDiffusion</a></p></body></html>",
            "text/html; charset=utf-8",
            statusCode: StatusCodes.Status404NotFound);
    }
}

namespace WebDiffusion.Server.Hosting;

/// <summary>Serves index.html for client-side routes; unknown API paths stay 404 JSON.</summary>
public static class SpaFallbackExtensions
{
    private static readonly string[] ApiPrefixes = ["/api", "/sdapi", "/hubs"];

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
            app.MapFallback(prefix + "/{**path}", (HttpContext context) =>
                Results.NotFound(new { error = $"No endpoint at {context.Request.Method} {context.Request.Path}." }));
        }

        app.MapFallbackToFile("index.html", StaticFileOptions);
        return app;
    }
}

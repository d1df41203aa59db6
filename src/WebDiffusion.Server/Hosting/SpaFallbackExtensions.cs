namespace WebDiffusion.Server.Hosting;

/// <summary>Serves index.html for client-side routes; unknown API paths stay 404 JSON.</summary>
public static class SpaFallbackExtensions
{
    private static readonly string[] ApiPrefixes = ["/api", "/sdapi", "/hubs"];

    public static WebApplication MapSpaFallback(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var prefix in ApiPrefixes)
        {
            app.MapFallback(prefix + "/{**path}", (HttpContext context) =>
                Results.NotFound(new { error = $"No endpoint at {context.Request.Method} {context.Request.Path}." }));
        }

        app.MapFallbackToFile("index.html");
        return app;
    }
}

using WebDiffusion.Core.Upscaling;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's fixed listings: the upscalers we have (None, Lanczos, Nearest), latent upscale modes, and empty lists for
/// features WebDiffusion does not have (hypernetworks, face restorers, Real-ESRGAN, styles, scripts, extensions),
/// so clients that enumerate them keep working.
/// </summary>
public static class SdApiCatalogEndpoints
{
    /// <summary>Upscaler names accepted by the Extras endpoints and hires fix, in A1111's order.</summary>
    public static IReadOnlyList<string> Upscalers { get; } = ["None", "Lanczos", "Nearest"];

    /// <summary>A1111's latent upscale modes (<c>shared.latent_upscale_modes</c>).</summary>
    public static IReadOnlyList<string> LatentUpscaleModes { get; } =
        ["Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)", "Latent (nearest)", "Latent (nearest-exact)"];

    public static IEndpointRouteBuilder MapSdApiCatalogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sdapi/v1/upscalers", (UpscalerCatalog catalog) => Results.Ok(Upscalers
            .Select(name => new UpscalerItem(name, null, null, null, 4.0))
            .Concat(catalog.List().Select(m => new UpscalerItem(m.Name, m.ModelName, m.Path, null, m.Scale)))))
            .WithSummary("Upscalers: [{name, model_name, model_path, model_url, scale}]: None, Lanczos, Nearest, then models/ESRGAN and models/RealESRGAN files");
        endpoints.MapGet("/sdapi/v1/latent-upscale-modes", () => Results.Ok(LatentUpscaleModes.Select(name => new { name })))
            .WithSummary("Latent upscale modes for hires fix: [{name}]");
        endpoints.MapGet("/sdapi/v1/hypernetworks", () => Results.Ok(Array.Empty<object>()))
            .WithSummary("Hypernetworks: always [] (not supported)");
        endpoints.MapGet("/sdapi/v1/face-restorers", () => Results.Ok(Array.Empty<object>()))
            .WithSummary("Face restorers: always [] (no GFPGAN/CodeFormer)");
        endpoints.MapGet("/sdapi/v1/realesrgan-models", () => Results.Ok(Array.Empty<object>()))
            .WithSummary("Real-ESRGAN models: always [] (not supported)");
        endpoints.MapGet("/sdapi/v1/prompt-styles", () => Results.Ok(Array.Empty<object>()))
            .WithSummary("Prompt styles: always [] (not supported yet)");
        endpoints.MapGet("/sdapi/v1/scripts", () => Results.Ok(new { txt2img = Array.Empty<string>(), img2img = Array.Empty<string>() }))
            .WithSummary("Selectable scripts: none");
        endpoints.MapGet("/sdapi/v1/script-info", () => Results.Ok(Array.Empty<object>()))
            .WithSummary("Script arguments: always []");
        endpoints.MapGet("/sdapi/v1/extensions", () => Results.Ok(Array.Empty<object>()))
            .WithSummary("Extensions: always [] (no code is downloaded or run)");
        return endpoints;
    }

    private sealed record UpscalerItem(
        [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("model_name")] string? ModelName,
        [property: System.Text.Json.Serialization.JsonPropertyName("model_path")] string? ModelPath,
        [property: System.Text.Json.Serialization.JsonPropertyName("model_url")] string? ModelUrl,
        [property: System.Text.Json.Serialization.JsonPropertyName("scale")] double Scale);
}

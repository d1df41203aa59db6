using System.Text.Json.Nodes;
using WebDiffusion.Core.Lora;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's model listings over our registry (<c>sd-models</c>, <c>sd-vae</c>, <c>loras</c>, <c>embeddings</c>), the
/// <c>refresh-*</c> rescans and <c>unload-checkpoint</c>/<c>reload-checkpoint</c>. Paths are relative to the models folder.
/// </summary>
public static class SdApiModelEndpoints
{
    public static IEndpointRouteBuilder MapSdApiModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sdapi/v1/sd-models", (ModelRegistry registry, WebDiffusionPaths paths) => Results.Ok(
            registry.Current.Models.Where(m => m.IsUsable).Select(m => new
            {
                title = SdApiModelTitles.Title(m),
                model_name = SdApiModelTitles.ModelName(m),
                hash = m.Hash,
                sha256 = m.Sha256 ?? SdApiModelTitles.FullHash(paths.DataDir, m.Hash),
                filename = SdApiModelTitles.Relative(registry.ModelsDir, m.Folder),
                config = (string?)null,
            }))).WithSummary("Checkpoints: [{title, model_name, hash, sha256, filename, config}]");
        endpoints.MapGet("/sdapi/v1/sd-vae", (ModelRegistry registry) => Results.Ok(
            registry.Current.Vae.Where(f => f.IsUsable).Select(f => new { model_name = f.Name, filename = SdApiModelTitles.Relative(registry.ModelsDir, f.Path) })))
            .WithSummary("VAE files: [{model_name, filename}]");
        endpoints.MapGet("/sdapi/v1/loras", (ModelRegistry registry) => Results.Ok(
            registry.Current.Loras.Where(f => f.IsUsable).Select(f =>
            {
                var (alias, metadata) = LoraFileMetadata.Read(f.Path);
                return new
                {
                    name = f.Name,
                    alias,
                    path = SdApiModelTitles.Relative(registry.ModelsDir, f.Path),
                    metadata,
                };
            }))).WithSummary("LoRA files: [{name, alias (ss_output_name or the name), path, metadata (the safetensors __metadata__)}]");
        endpoints.MapGet("/sdapi/v1/embeddings", async (ModelRegistry registry, WebDiffusionPaths paths, CurrentModelSelection selection, CancellationToken ct) =>
            Results.Content((await Task.Run(() => Embeddings(registry, paths, selection), ct).ConfigureAwait(false)).ToJsonString(), "application/json"))
            .WithSummary("Textual-inversion embeddings: {loaded, skipped}");

        MapRefresh(endpoints, "/sdapi/v1/refresh-checkpoints", "Rescan models/Stable-diffusion");
        MapRefresh(endpoints, "/sdapi/v1/refresh-vae", "Rescan models/VAE");
        MapRefresh(endpoints, "/sdapi/v1/refresh-loras", "Rescan models/Lora");
        MapRefresh(endpoints, "/sdapi/v1/refresh-embeddings", "Rescan the embeddings folders");

        endpoints.MapPost("/sdapi/v1/unload-checkpoint", (IModelLifecycle lifecycle) =>
        {
            lifecycle.Unload();
            return Results.Ok(new { });
        }).WithSummary("Release the current model's weights");
        endpoints.MapPost("/sdapi/v1/reload-checkpoint", (IModelLifecycle lifecycle) =>
        {
            lifecycle.Reload();
            return Results.Ok(new { });
        }).WithSummary("Allow the current model to be loaded again");
        return endpoints;
    }

    private static void MapRefresh(IEndpointRouteBuilder endpoints, string route, string summary) =>
        endpoints.MapPost(route, async (ModelRegistry registry, CancellationToken ct) =>
        {
            await Task.Run(() => registry.Refresh(ct), ct).ConfigureAwait(false);
            return SdApiResults.Null();
        }).WithSummary(summary);

    private static JsonObject Embeddings(ModelRegistry registry, WebDiffusionPaths paths, CurrentModelSelection selection)
    {
        var loaded = new JsonObject();
        var skipped = new JsonObject();
        var model = selection.Effective(registry.Current);
        var expectedDim = model?.TextHiddenSize ?? 0;
        foreach (var folder in new[] { Path.Combine(registry.ModelsDir, "embeddings"), Path.Combine(paths.ContentRoot, "embeddings") }.Distinct(StringComparer.Ordinal))
        {
            var library = TextualInversionLibrary.Load(folder);
            foreach (var embedding in library.Embeddings)
            {
                if (loaded.ContainsKey(embedding.Name) || skipped.ContainsKey(embedding.Name))
                {
                    continue;
                }

                var target = expectedDim > 0 && embedding.Dimension != expectedDim ? skipped : loaded;
                target[embedding.Name] = Entry(embedding.Dimension, embedding.VectorCount);
            }

            foreach (var skip in library.Skipped.Where(s => !loaded.ContainsKey(s.Name)))
            {
                skipped[skip.Name] = Entry(null, null);
            }
        }

        return new JsonObject { ["loaded"] = loaded, ["skipped"] = skipped };
    }

    private static JsonObject Entry(int? shape, int? vectors) => new()
    {
        ["step"] = null,
        ["sd_checkpoint"] = null,
        ["sd_checkpoint_name"] = null,
        ["shape"] = shape,
        ["vectors"] = vectors,
    };
}

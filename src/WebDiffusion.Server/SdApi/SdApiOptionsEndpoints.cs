using System.Text.Json.Nodes;
using WebDiffusion.Core.Models;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// <c>GET/POST /sdapi/v1/options</c>: the A1111 options that map to our settings, under A1111's names. POST merges known
/// keys (422 on a wrong type, nothing applied), logs and ignores unknown ones, and selects the model named by
/// <c>sd_model_checkpoint</c> (404 when the registry has no such model).
/// </summary>
public static class SdApiOptionsEndpoints
{
    /// <summary>Largest options body accepted.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSdApiOptionsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sdapi/v1/options", (SdApiOptionsStore store, CurrentModelSelection selection, ModelRegistry registry, WebDiffusionPaths paths) =>
            Results.Content(Current(store, selection, registry, paths).ToJsonString(), "application/json"))
            .WithSummary("A1111 options (the subset WebDiffusion honours)");
        endpoints.MapPost("/sdapi/v1/options", SetAsync)
            .WithSummary("Change A1111 options; sd_model_checkpoint selects the model");
        return endpoints;
    }

    /// <summary>The options as GET returns them: the model keys first, then the catalog.</summary>
    public static JsonObject Current(SdApiOptionsStore store, CurrentModelSelection selection, ModelRegistry registry, WebDiffusionPaths paths)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(paths);
        // A fresh server has selected nothing yet; clients still expect the model generation runs on (A1111 loads one at start).
        var model = selection.Effective(registry.Current);
        var result = new JsonObject
        {
            [SdApiOptionCatalog.ModelCheckpointKey] = model is null ? null : SdApiModelTitles.Title(model),
            [SdApiOptionCatalog.CheckpointHashKey] = model is null ? null : SdApiModelTitles.FullHash(paths.DataDir, model.Hash),
        };
        foreach (var (key, value) in store.Read())
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    private static async Task<IResult> SetAsync(
        HttpContext context, SdApiOptionsStore store, CurrentModelSelection selection, ModelRegistry registry, ILogger<SdApiOptionsStore> logger)
    {
        var (body, error) = await SdApiJsonBody.ReadObjectAsync(context, MaxBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var update = SdApiOptionsUpdate.Parse(body!, store.Read());
        if (update.Errors.Count > 0)
        {
            return SdApiResults.Problems(
                StatusCodes.Status422UnprocessableEntity, "Invalid options", update.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal));
        }

        ModelDescription? model = null;
        if (update.ModelRequested && update.RequestedModel is { } requested)
        {
            model = SdApiModelTitles.Find(registry.Current, requested);
            if (model is null)
            {
                return SdApiResults.Error(StatusCodes.Status404NotFound, "Model not found",
                    $"model '{requested}' not found; GET /sdapi/v1/sd-models lists the titles (POST /sdapi/v1/refresh-checkpoints rescans the folder).",
                    SdApiOptionCatalog.ModelCheckpointKey);
            }

            if (!model.IsUsable)
            {
                return SdApiResults.Error(StatusCodes.Status422UnprocessableEntity, "Model cannot be loaded", $"{model.Name}: {model.Error}", SdApiOptionCatalog.ModelCheckpointKey);
            }
        }

        foreach (var (key, reason) in update.Ignored)
        {
            logger.LogInformation("POST /sdapi/v1/options: ignoring '{Key}': {Reason}", key, reason);
        }

        store.Apply(update.Changes);
        if (update.ModelRequested && !string.Equals(model?.Name, selection.Name, StringComparison.Ordinal))
        {
            selection.Select(model?.Name);
            logger.LogInformation("Current model set to {Model} through /sdapi/v1/options", model?.Name ?? "(none)");
        }

        return SdApiResults.Null();
    }
}

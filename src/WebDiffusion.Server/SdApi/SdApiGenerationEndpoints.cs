using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Generation;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Generation;
using WebDiffusion.Server.Endpoints;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's <c>POST /sdapi/v1/txt2img</c> and <c>/img2img</c>: the request goes through our queue like any job; the call
/// waits for it and answers in A1111's shape (<c>images</c>, <c>parameters</c>, <c>info</c> JSON string).
/// </summary>
public static class SdApiGenerationEndpoints
{
    public static IEndpointRouteBuilder MapSdApiGenerationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/sdapi/v1/txt2img", (HttpContext context, GenerationSubmission submission, JobCompletions completions, JobStore store, OutputWriter outputs)
            => GenerateAsync(context, GenerationMode.Txt2Img, submission, completions, store, outputs));
        endpoints.MapPost("/sdapi/v1/img2img", (HttpContext context, GenerationSubmission submission, JobCompletions completions, JobStore store, OutputWriter outputs)
            => GenerateAsync(context, GenerationMode.Img2Img, submission, completions, store, outputs));
        return endpoints;
    }

    private static async Task<IResult> GenerateAsync(
        HttpContext context, GenerationMode mode, GenerationSubmission submission, JobCompletions completions, JobStore store, OutputWriter outputs)
    {
        JsonObject? body;
        try
        {
            // Read as an element first: that is where duplicate fields are caught (a JsonObject only fails on first use).
            var element = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, RequestJson.Options, context.RequestAborted).ConfigureAwait(false);
            body = element.ValueKind switch
            {
                JsonValueKind.Object => JsonObject.Create(element),
                JsonValueKind.Null => null,
                _ => throw new JsonException("The body must be a JSON object."),
            };
        }
        catch (JsonException ex)
        {
            return SdApiResults.Error(StatusCodes.Status422UnprocessableEntity, "Invalid JSON", ex.Message);
        }

        body ??= [];
        var refused = RefusedFields(body);
        if (refused.Count > 0)
        {
            return SdApiResults.Problems(StatusCodes.Status422UnprocessableEntity, "Unsupported fields", refused);
        }

        using var document = JsonDocument.Parse(body.ToJsonString());
        JobRecord job;
        switch (await submission.SubmitAsync(ClientIdentity.Owner(context), document.RootElement, mode, GenerationProfile.A1111, context.RequestAborted).ConfigureAwait(false))
        {
            case SubmissionOutcome.Accepted accepted:
                job = accepted.Job;
                break;
            case SubmissionOutcome.Invalid invalid:
                var status = invalid.Errors.ContainsKey("sampler_name") && invalid.Errors.Count == 1 ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity;
                return SdApiResults.Problems(status, "Validation failed", invalid.Errors);
            case SubmissionOutcome.QueueFull full:
                return JobEndpoints.TooMany(context, full.Error);
            default:
                throw new InvalidOperationException("Unknown submission outcome.");
        }

        // A disconnecting client does not stop the job: its images are still saved and visible in the gallery.
        var finished = await completions.WaitAsync(job.Id, context.RequestAborted).ConfigureAwait(false);
        if (finished.State == JobState.Failed)
        {
            return SdApiResults.Error(StatusCodes.Status500InternalServerError, "Generation failed", finished.Error ?? "unknown error", "job");
        }

        var sendImages = body["send_images"] is not JsonValue send || send.GetValueKind() != JsonValueKind.False;
        var images = new List<string>();
        if (sendImages)
        {
            foreach (var id in finished.ImageIds)
            {
                if (store.GetImage(id) is { } image && outputs.Resolve(image.RelativePath) is { } path && File.Exists(path))
                {
                    images.Add(Convert.ToBase64String(await File.ReadAllBytesAsync(path, context.RequestAborted).ConfigureAwait(false)));
                }
            }
        }

        if (mode == GenerationMode.Img2Img && body["include_init_images"] is JsonValue include && include.GetValueKind() == JsonValueKind.True)
        {
            // A1111 echoes the init images in parameters only when asked; otherwise they are dropped from the echo.
        }
        else
        {
            body.Remove("init_images");
        }

        body.Remove("include_init_images");
        return Results.Json(new { images, parameters = body, info = finished.ResultJson ?? "{}" });
    }

    /// <summary>Fields that would change the result if we silently ignored them, by field.</summary>
    private static Dictionary<string, string[]> RefusedFields(JsonObject body)
    {
        var refused = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body["script_name"] is JsonValue script && script.GetValueKind() == JsonValueKind.String && !string.IsNullOrEmpty(script.GetValue<string>()))
        {
            refused["script_name"] = [$"script_name '{script.GetValue<string>()}': scripts are not supported."];
        }

        if (body["alwayson_scripts"] is JsonObject scripts && scripts.Count > 0)
        {
            refused["alwayson_scripts"] = [$"alwayson_scripts ({string.Join(", ", scripts.Select(s => s.Key))}): extensions such as ControlNet are not supported yet."];
        }

        if (body["restore_faces"] is JsonValue faces && faces.GetValueKind() == JsonValueKind.True)
        {
            refused["restore_faces"] = ["restore_faces: no face restorer is available."];
        }

        if (body["styles"] is JsonArray styles && styles.Count > 0)
        {
            refused["styles"] = ["styles: prompt styles are not supported yet; put the text in the prompt."];
        }

        // image_cfg_scale is not refused: A1111 reads it for instruct-pix2pix models only (which we do not load) and
        // ignores it otherwise, and clients such as webuiapi send it with every img2img request.
        if (body["firstpass_image"] is JsonValue { } f && f.GetValueKind() == JsonValueKind.String)
        {
            refused["firstpass_image"] = ["firstpass_image is not supported."];
        }

        if (body["refiner_checkpoint"] is JsonValue { } r && r.GetValueKind() == JsonValueKind.String && !string.IsNullOrEmpty(r.GetValue<string>()))
        {
            refused["refiner_checkpoint"] = ["refiner_checkpoint is not supported."];
        }

        return refused;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's Extras over HTTP: <c>POST /sdapi/v1/extra-single-image</c> (<c>{image, ...}</c> → <c>{html_info, image}</c>) and
/// <c>POST /sdapi/v1/extra-batch-images</c> (<c>{imageList: [{data, name}], ...}</c> → <c>{html_info, images}</c>). Every
/// image is checked (format, header size, output size) before any is decoded.
/// </summary>
public static class SdApiExtrasEndpoints
{
    public static IEndpointRouteBuilder MapSdApiExtrasEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/sdapi/v1/extra-single-image", SingleAsync)
            .WithSummary("Upscale one image (None, Lanczos, Nearest); the result is also saved under outputs/extras-images and listed in /api/images");
        endpoints.MapPost("/sdapi/v1/extra-batch-images", BatchAsync)
            .WithSummary("Upscale several images; each result is also saved under outputs/extras-images and listed in /api/images");
        return endpoints;
    }

    private static async Task<IResult> SingleAsync(HttpContext context, ExtrasProcessor processor)
    {
        var (body, error) = await SdApiJsonBody.ReadObjectAsync(context, processor.MaxBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var encoded = body!["image"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var result = await RunAsync(context, processor, body, [("image", "image", encoded)]).ConfigureAwait(false);
        return result.Problem?.ToResult() ?? Results.Ok(new { html_info = result.HtmlInfo, image = Convert.ToBase64String(result.Images[0]) });
    }

    private static async Task<IResult> BatchAsync(HttpContext context, ExtrasProcessor processor)
    {
        var (body, error) = await SdApiJsonBody.ReadObjectAsync(context, processor.MaxBodyBytes).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (body!["imageList"] is not JsonArray list || list.Count == 0)
        {
            return ExtrasProblem.Unprocessable("imageList must be a non-empty array of {\"data\": \"<base64 PNG, JPEG or WebP>\", \"name\": \"...\"}.").ToResult();
        }

        var sources = new List<(string Field, string Name, string? Encoded)>();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i] as JsonObject;
            var data = item?["data"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : null;
            var name = item?["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : $"image {i}";
            sources.Add(($"imageList[{i}].data", name, data));
        }

        var result = await RunAsync(context, processor, body, sources).ConfigureAwait(false);
        return result.Problem?.ToResult() ?? Results.Ok(new { html_info = result.HtmlInfo, images = result.Images.Select(Convert.ToBase64String) });
    }

    private static async Task<(IReadOnlyList<byte[]> Images, string HtmlInfo, ExtrasProblem? Problem)> RunAsync(
        HttpContext context, ExtrasProcessor processor, JsonObject body, IReadOnlyList<(string Field, string Name, string? Encoded)> sources)
    {
        var (parameters, problem) = ExtrasParameters.Parse(body, processor.ModelUpscalerNames());
        if (problem is not null)
        {
            return ([], string.Empty, problem);
        }

        var planned = new List<(ExtrasImageInput, ExtrasPlan)>();
        foreach (var (field, name, encoded) in sources)
        {
            var (input, inputProblem) = ExtrasImageInput.Read(encoded, name, field, processor.MaxUploadSide);
            if (inputProblem is not null)
            {
                return ([], string.Empty, inputProblem);
            }

            var (plan, planProblem) = ExtrasProcessor.Plan(input!, parameters!, field);
            if (planProblem is not null)
            {
                return ([], string.Empty, planProblem);
            }

            planned.Add((input!, plan!));
        }

        return await processor.ProcessAsync(planned, parameters!, ClientIdentity.Owner(context), context.RequestAborted).ConfigureAwait(false);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using WebDiffusion.Server.Api;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// Reads a JSON object request body with a byte limit, answering in A1111's error shape: a property named twice is a 422
/// naming it, a string that is not valid Unicode a 400 naming its path.
/// </summary>
public static class SdApiJsonBody
{
    /// <summary>The body as an object (an empty body is <c>{}</c>), or the error to return.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpContext context, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        if (context.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[81920];
            int n;
            while ((n = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }

                buffer.Write(chunk, 0, n);
            }
        }
        catch (BadHttpRequestException)
        {
            return (null, TooLarge(maxBytes));
        }

        if (buffer.Length == 0)
        {
            return ([], null);
        }

        JsonNode? parsed;
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        try
        {
            parsed = JsonNode.Parse(bytes.Span, documentOptions: RequestJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            return (null, RequestJsonDuplicates.Find(bytes.Span) is { } duplicate
                ? SdApiResults.Error(StatusCodes.Status422UnprocessableEntity, "Duplicate field", RequestJsonDuplicates.Message(duplicate))
                : SdApiResults.Error(StatusCodes.Status422UnprocessableEntity, "Invalid JSON", ex.Message));
        }

        if (parsed is not JsonObject body)
        {
            return (null, SdApiResults.Error(StatusCodes.Status422UnprocessableEntity, "Invalid body", "The request body must be a JSON object."));
        }

        return RequestJsonText.FindInvalid(body) is { } invalid
            ? (null, SdApiResults.Error(StatusCodes.Status400BadRequest, "Invalid text", RequestJsonText.Message(invalid)))
            : (body, null);
    }

    private static IResult TooLarge(long maxBytes) => SdApiResults.Error(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        $"The body is larger than the MaxBodyBytes limit of {maxBytes} bytes (WebDiffusion:Limits:MaxBodyBytes).");
}

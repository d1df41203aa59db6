using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Core.Infotext.Metadata;
using WebDiffusion.Server.Api;

namespace WebDiffusion.Server.Endpoints;

/// <summary>
/// <c>POST /sdapi/v1/png-info</c> and <c>POST /api/png-info</c>: <c>{"image": "&lt;base64 or data URL&gt;"}</c> →
/// A1111's <c>{"info", "items", "parameters"}</c>. Pixels are never decoded; the header's dimensions are checked first.
/// </summary>
public static class PngInfoEndpoints
{
    /// <summary>Largest request body accepted (base64 of a ~24 MiB image).</summary>
    public const long MaxBodyBytes = 32L * 1024 * 1024;

    public static IEndpointRouteBuilder MapPngInfoEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/sdapi/v1/png-info", (Delegate)HandleAsync);
        endpoints.MapPost("/api/png-info", (Delegate)HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext context)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxBodyBytes;
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        byte[] body;
        try
        {
            body = await ReadBoundedAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return TooLarge();
        }
        catch (BadHttpRequestException)
        {
            return TooLarge();
        }

        string? encoded;
        try
        {
            using var json = JsonDocument.Parse(body, RequestJson.DocumentOptions);
            if (RequestJsonText.FindInvalid(json.RootElement) is { } invalid)
            {
                return BadRequest(RequestJsonText.Message(invalid));
            }

            encoded = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("image", out var image) &&
                image.ValueKind == JsonValueKind.String ? image.GetString() : null;
        }
        catch (JsonException) when (RequestJsonDuplicates.Find(body) is { } duplicate)
        {
            return BadRequest(RequestJsonDuplicates.Message(duplicate));
        }
        catch (JsonException ex)
        {
            return BadRequest($"The request body is not valid JSON ({ex.Message}); send {{\"image\": \"<base64 PNG, JPEG or WebP>\"}}.");
        }

        if (string.IsNullOrWhiteSpace(encoded))
        {
            return BadRequest("The request needs an \"image\" field holding a base64 string or a data: URL.");
        }

        var bytes = Base64Image.TryDecode(encoded);
        if (bytes is null)
        {
            return BadRequest("The \"image\" field is not valid base64 (or a data:...;base64, URL).");
        }

        ImageMetadata metadata;
        try
        {
            metadata = ImageMetadataReader.Read(bytes, PngDecoderOptions.Default);
        }
        catch (InvalidImageException ex)
        {
            return BadRequest("The image could not be read: " + ex.Message);
        }

        var info = metadata.Parameters ?? string.Empty;
        var items = new JsonObject();
        foreach (var (key, value) in metadata.Items)
        {
            items[key] = value;
        }

        var parameters = new JsonObject();
        foreach (var (key, value) in InfotextDefaults.ToA1111Dictionary(InfotextParser.Parse(info)))
        {
            parameters[key] = value switch
            {
                int i => JsonValue.Create(i),
                bool b => JsonValue.Create(b),
                _ => JsonValue.Create(value.ToString()),
            };
        }

        var response = new JsonObject
        {
            ["info"] = info,
            ["items"] = items,
            ["parameters"] = parameters,
            ["tool"] = metadata.Tool.ToString(),
        };
        return Results.Content(response.ToJsonString(), "application/json");
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
            {
                throw new InvalidDataException("Request body too large.");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static IResult BadRequest(string message) => Results.Json(new { error = message, detail = message }, statusCode: StatusCodes.Status400BadRequest);

    private static IResult TooLarge() => Results.Json(
        new { error = $"The request body is larger than {MaxBodyBytes / (1024 * 1024)} MiB.", detail = "Send a smaller image." },
        statusCode: StatusCodes.Status413PayloadTooLarge);
}

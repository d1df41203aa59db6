using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Codecs;
using WebDiffusion.Server.Api;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// One uploaded Extras image: base64 (or a data: URL) decoded to bytes, the format sniffed (PNG, JPEG or WebP), and the
/// header's size read and checked against the upload limit — all before any pixel is decoded.
/// </summary>
/// <param name="Name">The image's name in logs and errors.</param>
/// <param name="Bytes">The encoded image.</param>
/// <param name="Format">"PNG", "JPEG" or "WebP".</param>
/// <param name="Width">Width from the header.</param>
/// <param name="Height">Height from the header.</param>
public sealed record ExtrasImageInput(string Name, byte[] Bytes, string Format, int Width, int Height)
{
    /// <summary>Decodes and checks <paramref name="encoded"/>; <paramref name="field"/> names it in errors.</summary>
    public static (ExtrasImageInput? Input, ExtrasProblem? Problem) Read(string? encoded, string name, string field, int maxUploadSide)
    {
        if (string.IsNullOrWhiteSpace(encoded))
        {
            return (null, ExtrasProblem.Unprocessable($"{field} is missing: send the image as a base64 string or a data: URL."));
        }

        var bytes = Base64Image.TryDecode(encoded);
        if (bytes is null)
        {
            return (null, ExtrasProblem.BadRequest($"{field} is not valid base64 (or a data:...;base64, URL)."));
        }

        var sniffed = UploadFormats.Sniff(bytes);
        if (sniffed is not (null or "PNG" or "JPEG" or "WebP"))
        {
            return (null, new ExtrasProblem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported image format",
                $"{field} is a {sniffed} image; the server decodes PNG, JPEG and WebP. Convert it before sending (for example PIL: image.save(buffer, format=\"PNG\"))."));
        }

        string format;
        int width, height;
        try
        {
            (format, width, height) = UploadedImageDecoder.ReadHeader(bytes);
        }
        catch (InvalidImageException ex)
        {
            return (null, ExtrasProblem.BadRequest($"{field} is not a readable {sniffed ?? "PNG, JPEG or WebP"} image: {ex.Message}"));
        }

        if (width <= 0 || height <= 0)
        {
            return (null, ExtrasProblem.BadRequest($"{field} declares an empty {format} image ({width}x{height})."));
        }

        if (width > maxUploadSide || height > maxUploadSide)
        {
            return (null, ExtrasProblem.BadRequest(
                $"{field} is {width}x{height}; the MaxUploadSide limit is {maxUploadSide} pixels per side (WebDiffusion:Limits:MaxUploadSide)."));
        }

        return (new ExtrasImageInput(name, bytes, format, width, height), null);
    }
}

using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Codecs;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Api;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// One uploaded Extras image: base64 (or a data: URL) decoded to bytes, the format sniffed, and the PNG header read and
/// checked against the upload limit — all before any pixel is decoded.
/// </summary>
public sealed record ExtrasImageInput(string Name, byte[] Bytes, PngHeader Header)
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

        if (!PngInfo.HasSignature(bytes))
        {
            return (null, OtherFormat(bytes, field));
        }

        PngHeader header;
        try
        {
            header = PngInfo.ReadHeader(bytes);
        }
        catch (InvalidImageException ex)
        {
            return (null, ExtrasProblem.BadRequest($"{field}: {ex.Message}"));
        }

        if (header.Width > maxUploadSide || header.Height > maxUploadSide)
        {
            return (null, ExtrasProblem.BadRequest(
                $"{field} is {header.Width}x{header.Height}; the MaxUploadSide limit is {maxUploadSide} pixels per side (WebDiffusion:Limits:MaxUploadSide)."));
        }

        return (new ExtrasImageInput(name, bytes, header), null);
    }

    private static ExtrasProblem OtherFormat(byte[] bytes, string field)
    {
        var format = UploadFormats.Sniff(bytes);
        return format is null
            ? ExtrasProblem.BadRequest($"{field} is not a PNG image (the PNG signature is missing).")
            : new ExtrasProblem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported image format",
                $"{field} is a {format} image; WebDiffusion decodes PNG only on the server. Convert it to PNG before sending (for example PIL: image.save(buffer, format=\"PNG\")).");
    }
}

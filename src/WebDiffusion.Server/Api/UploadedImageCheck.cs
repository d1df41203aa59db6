using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Codecs;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Checks an uploaded generation image (init image or mask) when the request is submitted, so a bad upload is a 4xx
/// and not a job that fails later: PNG, JPEG or WebP, the header's size against <see cref="GenerationLimits.MaxUploadSide"/>
/// (read before any pixel is decoded), and a full decode.
/// </summary>
public static class UploadedImageCheck
{
    /// <summary>Null when <paramref name="bytes"/> is a PNG, JPEG or WebP we can decode within the limit; otherwise why not.</summary>
    public static string? Problem(byte[] bytes, int maxUploadSide)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var format = UploadFormats.Sniff(bytes) ?? "PNG";
        if (format is not ("PNG" or "JPEG" or "WebP"))
        {
            return $"is a {format} image; the server decodes PNG, JPEG and WebP. Convert it before sending (for example PIL: image.save(buffer, format=\"PNG\"))";
        }

        try
        {
            var (_, width, height) = UploadedImageDecoder.ReadHeader(bytes);
            if (width > maxUploadSide || height > maxUploadSide)
            {
                return $"is {width}x{height}; the MaxUploadSide limit is {maxUploadSide} pixels per side (WebDiffusion:Limits:MaxUploadSide)";
            }

            UploadedImageDecoder.Decode(bytes, (long)maxUploadSide * maxUploadSide);
            return null;
        }
        catch (ImageTooLargeException ex)
        {
            return "is too large: " + ex.Message;
        }
        catch (InvalidImageException ex)
        {
            return $"is not a usable {format}: {ex.Message}";
        }
    }
}

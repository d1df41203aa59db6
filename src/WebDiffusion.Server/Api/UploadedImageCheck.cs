using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Checks an uploaded generation image (init image or mask) when the request is submitted, so a bad upload is a 4xx
/// and not a job that fails later: the PNG signature, the IHDR header, the <see cref="GenerationLimits.MaxUploadSide"/>
/// limit (read from the header before anything is inflated), and a full decode.
/// </summary>
public static class UploadedImageCheck
{
    /// <summary>Null when <paramref name="bytes"/> is a PNG we can decode within the limit; otherwise why not.</summary>
    public static string? Problem(byte[] bytes, int maxUploadSide)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > 0 && !PngInfo.HasSignature(bytes) && SniffFormat(bytes) is { } format)
        {
            return $"is a {format} image; the server decodes PNG only. Convert it to PNG before sending (for example PIL: image.save(buffer, format=\"PNG\"))";
        }

        try
        {
            var header = PngInfo.ReadHeader(bytes);
            if (header.Width > maxUploadSide || header.Height > maxUploadSide)
            {
                return $"is {header.Width}x{header.Height}; the MaxUploadSide limit is {maxUploadSide} pixels per side (WebDiffusion:Limits:MaxUploadSide)";
            }

            PngDecoder.Decode(bytes, new PngDecoderOptions { MaxPixels = (long)maxUploadSide * maxUploadSide });
            return null;
        }
        catch (ImageTooLargeException ex)
        {
            return "is too large: " + ex.Message;
        }
        catch (InvalidImageException ex)
        {
            return "is not a usable PNG: " + ex.Message;
        }
    }

    /// <summary>The name of a common non-PNG image format the bytes start with, or null.</summary>
    public static string? SniffFormat(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "JPEG",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "WebP",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "GIF",
        [(byte)'B', (byte)'M', ..] => "BMP",
        _ => null,
    };
}

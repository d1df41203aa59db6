namespace WebDiffusion.Core.Imaging.Codecs;

/// <summary>Recognises common image formats by their first bytes (magic numbers).</summary>
public static class UploadFormats
{
    /// <summary>"PNG", "JPEG", "WebP", "GIF", "BMP", or null for anything else.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "PNG",
        [0xFF, 0xD8, 0xFF, ..] => "JPEG",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "WebP",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "GIF",
        [(byte)'B', (byte)'M', ..] => "BMP",
        _ => null,
    };
}

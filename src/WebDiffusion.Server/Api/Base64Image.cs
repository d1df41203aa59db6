namespace WebDiffusion.Server.Api;

/// <summary>Decodes an uploaded image sent as plain base64 or as a <c>data:...;base64,</c> URL.</summary>
public static class Base64Image
{
    /// <summary>The bytes, or null when the text is not base64 (or a data URL that is not base64).</summary>
    public static byte[]? TryDecode(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var text = encoded.Trim();
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !text.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            text = text[(comma + 1)..];
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer.AsSpan(0, written).ToArray() : null;
    }
}

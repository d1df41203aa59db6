using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Infotext.Metadata;

/// <summary>
/// Reads generation metadata without decoding pixels (A1111 <c>read_info_from_image</c>): PNG text chunks, or the EXIF
/// UserComment of JPEG and WebP files; names the tool that wrote it.
/// </summary>
public static class ImageMetadataReader
{
    private const string ParametersKey = "parameters";

    /// <summary>Reads the metadata of PNG, JPEG or WebP bytes.</summary>
    /// <exception cref="InvalidImageException">Not one of these formats, or a corrupt PNG.</exception>
    /// <exception cref="ImageTooLargeException">A PNG past the limits of <paramref name="options"/>.</exception>
    public static ImageMetadata Read(ReadOnlyMemory<byte> data, PngDecoderOptions? options = null)
    {
        var span = data.Span;
        if (span.Length == 0)
        {
            throw new InvalidImageException("The file is empty (0 bytes); expected a PNG, JPEG or WebP image.");
        }

        if (PngInfo.HasSignature(span))
        {
            var (header, texts) = PngDecoder.ReadTexts(data, options);
            return FromPngTexts(texts, header.Width, header.Height);
        }

        if (span.Length >= 3 && span[0] == 0xFF && span[1] == 0xD8 && span[2] == 0xFF)
        {
            return FromExif(ImageContainerFormat.Jpeg, FindJpegExif(span));
        }

        if (span.Length >= 12 && span.StartsWith("RIFF"u8) && span[8..12].SequenceEqual("WEBP"u8))
        {
            return FromExif(ImageContainerFormat.WebP, FindWebPExif(span));
        }

        throw new InvalidImageException("The file is not a PNG, JPEG or WebP image.");
    }

    /// <summary>Builds the metadata from PNG text entries (A1111: <c>parameters</c> is the infotext, the rest are items).</summary>
    public static ImageMetadata FromPngTexts(IReadOnlyList<PngTextEntry> texts, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(texts);
        // A keyword written twice keeps its last text, listed where it last occurs (PIL's info dict, re-inserted); one pass
        // to find each keyword's last occurrence and one to list them keeps this linear in the number of chunks.
        string? parameters = null;
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            last[texts[i].Keyword] = i;
        }

        var items = new List<KeyValuePair<string, string>>(last.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var t = texts[i];
            if (string.Equals(t.Keyword, ParametersKey, StringComparison.Ordinal))
            {
                parameters = t.Text;
            }
            else if (last[t.Keyword] == i)
            {
                items.Add(new(t.Keyword, t.Text));
            }
        }

        var byKey = items.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        string? Item(string key) => byKey.GetValueOrDefault(key);

        if (Item("fooocus_scheme") is not null || (parameters is not null && parameters.TrimStart().StartsWith('{')))
        {
            return new(ImageContainerFormat.Png, null, items, MetadataTool.Fooocus, parameters, width, height);
        }

        if (parameters is not null)
        {
            return new(ImageContainerFormat.Png, parameters, items, InfotextTool(parameters), null, width, height);
        }

        if (string.Equals(Item("Software"), "NovelAI", StringComparison.Ordinal))
        {
            return new(ImageContainerFormat.Png, ConvertNovelAi(Item("Description"), Item("Comment"), width, height), items,
                MetadataTool.NovelAI, Item("Comment"), width, height);
        }

        if (Item("prompt") is { } comfyPrompt)
        {
            return new(ImageContainerFormat.Png, null, items, MetadataTool.ComfyUI, comfyPrompt, width, height);
        }

        if (Item("workflow") is { } workflow)
        {
            return new(ImageContainerFormat.Png, null, items, MetadataTool.ComfyUI, workflow, width, height);
        }

        var invoke = Item("invokeai_metadata") ?? Item("sd-metadata") ?? Item("Dream");
        if (invoke is not null)
        {
            return new(ImageContainerFormat.Png, null, items, MetadataTool.InvokeAI, invoke, width, height);
        }

        return new(ImageContainerFormat.Png, null, items, items.Count > 0 ? MetadataTool.Unknown : MetadataTool.None, null, width, height);
    }

    /// <summary>Names the A1111-family tool from an infotext's parameter line (Forge's version, SD.Next's App key).</summary>
    public static MetadataTool InfotextTool(string infotext)
    {
        ArgumentNullException.ThrowIfNull(infotext);
        var parsed = InfotextParser.Parse(infotext);
        if (parsed.Parameters.Count == 0)
        {
            return MetadataTool.Unknown;
        }

        if (string.Equals(parsed["App"], "SD.Next", StringComparison.Ordinal))
        {
            return MetadataTool.SdNext;
        }

        var version = parsed["Version"];
        if (version is not null && (string.Equals(version, "classic", StringComparison.Ordinal) ||
            (version.Length > 1 && version[0] == 'f' && char.IsAsciiDigit(version[1]))))
        {
            return MetadataTool.Forge;
        }

        return MetadataTool.Automatic1111;
    }

    /// <summary>A1111's conversion of NovelAI metadata to infotext (Clip skip 2, ENSD 31337); null when the Comment is not valid JSON.</summary>
    public static string? ConvertNovelAi(string? description, string? comment, int width, int height)
    {
        if (comment is null)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(comment);
            var root = json.RootElement;
            string Raw(string name) => root.TryGetProperty(name, out var v)
                ? v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : v.GetRawText()
                : string.Empty;
            var sampler = NovelAiSampler(Raw("sampler"));
            return string.Create(CultureInfo.InvariantCulture,
                $"{description}\nNegative prompt: {Raw("uc")}\nSteps: {Raw("steps")}, Sampler: {sampler}, CFG scale: {Raw("scale")}, Seed: {Raw("seed")}, Size: {width}x{height}, Clip skip: 2, ENSD: 31337");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string NovelAiSampler(string name) => name.ToUpperInvariant() switch
    {
        "K_EULER" => "Euler",
        "K_LMS" => "LMS",
        "K_HEUN" => "Heun",
        "K_DPM_2" => "DPM2",
        "K_DPM_2_ANCESTRAL" or "K_DPM_2_A" => "DPM2 a",
        "K_DPMPP_2M" => "DPM++ 2M",
        "K_DPMPP_2S_ANCESTRAL" or "K_DPMPP_2S_A" => "DPM++ 2S a",
        "K_DPMPP_SDE" => "DPM++ SDE",
        "DDIM" => "DDIM",
        "PLMS" => "PLMS",
        _ => "Euler a",
    };

    private static ImageMetadata FromExif(ImageContainerFormat format, byte[]? exif)
    {
        var comment = exif is null ? null : ExifUserComment.Read(exif);
        if (string.IsNullOrEmpty(comment))
        {
            return new(format, null, [], MetadataTool.None, null, null, null);
        }

        return new(format, comment, [], InfotextTool(comment), null, null, null);
    }

    private static byte[]? FindJpegExif(ReadOnlySpan<byte> jpeg)
    {
        var p = 2;
        while (p + 4 <= jpeg.Length)
        {
            if (jpeg[p] != 0xFF)
            {
                return null;
            }

            var marker = jpeg[p + 1];
            if (marker == 0xFF)
            {
                p++;
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return null; // end of image or start of scan: metadata segments come before.
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                p += 2;
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(p + 2)..]);
            if (length < 2 || p + 2 + length > jpeg.Length)
            {
                return null;
            }

            var segment = jpeg.Slice(p + 4, length - 2);
            if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8))
            {
                return segment.ToArray();
            }

            p += 2 + length;
        }

        return null;
    }

    private static byte[]? FindWebPExif(ReadOnlySpan<byte> webp)
    {
        var p = 12;
        while (p + 8 <= webp.Length)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(webp[(p + 4)..]);
            if (length > (uint)(webp.Length - p - 8))
            {
                return null;
            }

            if (webp.Slice(p, 4).SequenceEqual("EXIF"u8))
            {
                return webp.Slice(p + 8, (int)length).ToArray();
            }

            p += 8 + (int)length + (int)(length & 1);
        }

        return null;
    }
}

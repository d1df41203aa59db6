namespace WebDiffusion.Core.Infotext.Metadata;

/// <summary>What <see cref="ImageMetadataReader"/> found in an image.</summary>
/// <param name="Format">The container.</param>
/// <param name="Parameters">
/// A1111 infotext: the <c>parameters</c> text, the EXIF UserComment, or NovelAI metadata converted as A1111 does; null when none.
/// </param>
/// <param name="Items">Every other text entry, key → text, in file order (A1111's <c>items</c>).</param>
/// <param name="Tool">The tool that most likely wrote the metadata.</param>
/// <param name="ToolMetadata">The raw metadata of a non-A1111 tool (e.g. ComfyUI's <c>prompt</c> JSON), or null.</param>
/// <param name="Width">Width from the header (PNG only), else null.</param>
/// <param name="Height">Height from the header (PNG only), else null.</param>
public sealed record ImageMetadata(
    ImageContainerFormat Format,
    string? Parameters,
    IReadOnlyList<KeyValuePair<string, string>> Items,
    MetadataTool Tool,
    string? ToolMetadata,
    int? Width,
    int? Height);

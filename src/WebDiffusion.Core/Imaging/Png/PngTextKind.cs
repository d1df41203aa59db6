namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Which PNG chunk a text entry came from.</summary>
public enum PngTextKind
{
    /// <summary>tEXt: Latin-1, uncompressed.</summary>
    Text,

    /// <summary>zTXt: Latin-1, zlib-compressed.</summary>
    CompressedText,

    /// <summary>iTXt: UTF-8, optionally compressed.</summary>
    InternationalText,
}

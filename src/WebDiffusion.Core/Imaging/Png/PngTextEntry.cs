namespace WebDiffusion.Core.Imaging.Png;

/// <summary>One text chunk of a PNG.</summary>
/// <param name="Keyword">The keyword (e.g. <c>parameters</c>).</param>
/// <param name="Text">The decoded text.</param>
/// <param name="Kind">The chunk type it came from.</param>
public sealed record PngTextEntry(string Keyword, string Text, PngTextKind Kind);

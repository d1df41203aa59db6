namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>A source region for resampling in (possibly fractional) pixel coordinates, PIL's <c>box</c> argument: (left, top, right, bottom).</summary>
/// <param name="Left">Left edge.</param>
/// <param name="Top">Top edge.</param>
/// <param name="Right">Right edge (exclusive).</param>
/// <param name="Bottom">Bottom edge (exclusive).</param>
public readonly record struct SourceBox(double Left, double Top, double Right, double Bottom);

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// A1111's tiling for model upscalers (<c>ESRGAN_tile</c>, <c>ESRGAN_tile_overlap</c>): square tiles of
/// min(tile, height, width) pixels every tile − overlap pixels, the last tile flush with the far edge; overlapping outputs
/// are averaged. Tile 0 runs the whole image at once.
/// </summary>
/// <param name="Tile">Tile side in input pixels (0: untiled).</param>
/// <param name="Overlap">Overlap between neighbouring tiles in input pixels.</param>
public sealed record UpscalerTiling(int Tile = 192, int Overlap = 8)
{
    /// <summary>A1111's defaults: 192 with 8 overlap.</summary>
    public static UpscalerTiling Default { get; } = new();

    /// <summary>One pass over the whole image.</summary>
    public static UpscalerTiling None { get; } = new(0, 0);

    /// <summary>The tile side used for an image of <paramref name="height"/> × <paramref name="width"/>; 0 when untiled.</summary>
    public int TileFor(int height, int width) => Tile <= 0 ? 0 : Math.Min(Tile, Math.Min(height, width));

    /// <summary>Start offsets of tiles along an axis of <paramref name="length"/> pixels with tile side <paramref name="tile"/>.</summary>
    public IReadOnlyList<int> Starts(int length, int tile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tile);
        var stride = Math.Max(1, tile - Math.Max(0, Overlap));
        var starts = new List<int>();
        for (var s = 0; s < length - tile; s += stride)
        {
            starts.Add(s);
        }

        starts.Add(length - tile);
        return starts;
    }
}

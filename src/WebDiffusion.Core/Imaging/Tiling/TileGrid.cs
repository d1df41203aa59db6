namespace WebDiffusion.Core.Imaging.Tiling;

/// <summary>Splits an image area into overlapping tiles spread evenly, as A1111's <c>split_grid</c> places them.</summary>
public static class TileGrid
{
    /// <summary>
    /// Tiles of at most <paramref name="tileWidth"/> × <paramref name="tileHeight"/> covering width × height, neighbours
    /// overlapping by at least <paramref name="overlap"/> pixels. Tiles are clipped to the image when it is smaller than a tile.
    /// </summary>
    public static IReadOnlyList<PixelRect> Create(int width, int height, int tileWidth, int tileHeight, int overlap)
    {
        ImageGuard.CheckSize(width, height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        tileWidth = Math.Min(tileWidth, width);
        tileHeight = Math.Min(tileHeight, height);
        var xs = Positions(width, tileWidth, overlap);
        var ys = Positions(height, tileHeight, overlap);
        var tiles = new List<PixelRect>(xs.Count * ys.Count);
        foreach (var y in ys)
        {
            foreach (var x in xs)
            {
                tiles.Add(new PixelRect(x, y, tileWidth, tileHeight));
            }
        }

        return tiles;
    }

    private static List<int> Positions(int size, int tile, int overlap)
    {
        if (tile >= size)
        {
            return [0];
        }

        if (overlap >= tile)
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), $"Overlap {overlap} must be smaller than the tile size {tile}.");
        }

        var count = (int)Math.Ceiling((double)(size - overlap) / (tile - overlap));
        count = Math.Max(count, 2);
        var step = (double)(size - tile) / (count - 1);
        var positions = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var p = (int)(i * step);
            positions.Add(p + tile >= size ? size - tile : p);
        }

        return positions;
    }
}

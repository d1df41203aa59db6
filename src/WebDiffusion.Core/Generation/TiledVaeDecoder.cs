using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Tiling;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// Decodes latents with the VAE in overlapping tiles when the image is large, so memory stays bounded (a 2048²
/// image decodes as 512² tiles); tiles are blended with a feathered weight across the overlap, hiding the seams.
/// </summary>
public static class TiledVaeDecoder
{
    /// <summary>Decodes (already unscaled) latents into NCHW pixels in [-1, 1].</summary>
    /// <param name="decoder">The model's VAE decoder.</param>
    /// <param name="latents">batch × C × h × w latents divided by the latent scale.</param>
    /// <param name="batch">Images in the batch.</param>
    /// <param name="shape">Latent shape of one image.</param>
    /// <param name="tileSize">Tile side in latent pixels; images no larger than tileSize + overlap decode whole.</param>
    /// <param name="overlap">Overlap between tiles in latent pixels.</param>
    /// <param name="pixels">Destination, batch × 3 × f·h × f·w (f the decoder's factor).</param>
    /// <param name="cancellationToken">Stops between tiles and inside runs.</param>
    public static void Decode(VaeDecoder decoder, ReadOnlySpan<float> latents, int batch, LatentShape shape, int tileSize, int overlap, Span<float> pixels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        var f = decoder.Factor;
        if (shape.Height <= tileSize + overlap && shape.Width <= tileSize + overlap)
        {
            decoder.Decode(latents, batch, shape.Height, shape.Width, pixels, cancellationToken);
            return;
        }

        var tiles = TileGrid.Create(shape.Width, shape.Height, tileSize, tileSize, overlap);
        var margin = overlap / 4;
        var feather = Math.Max(1, (overlap - (2 * margin)) * f / 2);
        var perImage = 3 * shape.Height * f * shape.Width * f;
        for (var b = 0; b < batch; b++)
        {
            var image = latents.Slice(b * shape.Count, shape.Count);
            var blender = new TileBlender(3, shape.Height * f, shape.Width * f);
            foreach (var rect in tiles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tile = new float[shape.Channels * rect.Height * rect.Width];
                for (var c = 0; c < shape.Channels; c++)
                {
                    for (var y = 0; y < rect.Height; y++)
                    {
                        image.Slice((c * shape.Height * shape.Width) + ((rect.Y + y) * shape.Width) + rect.X, rect.Width)
                            .CopyTo(tile.AsSpan((((c * rect.Height) + y) * rect.Width), rect.Width));
                    }
                }

                var decoded = new float[3 * rect.Height * f * rect.Width * f];
                decoder.Decode(tile, 1, rect.Height, rect.Width, decoded, cancellationToken);
                // Pixels near an inner tile edge see the decoder's zero padding: drop a margin there, feather the rest.
                var left = rect.X == 0 ? 0 : margin * f;
                var top = rect.Y == 0 ? 0 : margin * f;
                var right = rect.Right == shape.Width ? 0 : margin * f;
                var bottom = rect.Bottom == shape.Height ? 0 : margin * f;
                var inner = new PixelRect((rect.X * f) + left, (rect.Y * f) + top, (rect.Width * f) - left - right, (rect.Height * f) - top - bottom);
                blender.Add(Crop(decoded, rect.Width * f, rect.Height * f, left, top, inner.Width, inner.Height), inner, feather);
            }

            blender.Result(pixels.Slice(b * perImage, perImage));
        }
    }

    private static float[] Crop(float[] planar, int width, int height, int x, int y, int cropWidth, int cropHeight)
    {
        var result = new float[3 * cropWidth * cropHeight];
        for (var c = 0; c < 3; c++)
        {
            for (var row = 0; row < cropHeight; row++)
            {
                planar.AsSpan((((c * height) + y + row) * width) + x, cropWidth).CopyTo(result.AsSpan(((c * cropHeight) + row) * cropWidth, cropWidth));
            }
        }

        return result;
    }
}

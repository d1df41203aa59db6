namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>A1111's variation-seed blend (<c>slerp</c> in <c>modules/rng.py</c>).</summary>
public static class VariationNoise
{
    private const double LinearThreshold = 0.9995;

    /// <summary>
    /// Spherical interpolation of two (C, H, W) noise tensors with weight <paramref name="strength"/> towards
    /// <paramref name="high"/>, written into <paramref name="destination"/>. Vectors are normalised along the H axis,
    /// i.e. each (channel, column) is its own vector. When the mean cosine exceeds 0.9995 A1111 falls back to a linear
    /// mix whose weights are reversed (<c>low·strength + high·(1−strength)</c>); that quirk is kept.
    /// </summary>
    public static void Slerp(float strength, ReadOnlySpan<float> low, ReadOnlySpan<float> high, LatentShape shape, Span<float> destination)
    {
        var n = shape.Count;
        if (low.Length != n || high.Length != n || destination.Length != n)
        {
            throw new ArgumentException($"Noise tensors must have {n} elements ({shape.Channels}x{shape.Height}x{shape.Width}).", nameof(destination));
        }

        int c = shape.Channels, h = shape.Height, w = shape.Width;
        var dots = new double[c * w];
        double dotSum = 0;
        for (var ch = 0; ch < c; ch++)
        {
            for (var col = 0; col < w; col++)
            {
                double ll = 0, hh = 0, lh = 0;
                for (var row = 0; row < h; row++)
                {
                    var idx = (((ch * h) + row) * w) + col;
                    ll += (double)low[idx] * low[idx];
                    hh += (double)high[idx] * high[idx];
                    lh += (double)low[idx] * high[idx];
                }

                var dot = lh / (Math.Sqrt(ll) * Math.Sqrt(hh));
                dots[(ch * w) + col] = dot;
                dotSum += dot;
            }
        }

        if (dotSum / dots.Length > LinearThreshold)
        {
            for (var i = 0; i < n; i++)
            {
                destination[i] = (low[i] * strength) + (high[i] * (1f - strength));
            }

            return;
        }

        for (var ch = 0; ch < c; ch++)
        {
            for (var col = 0; col < w; col++)
            {
                var omega = Math.Acos(Math.Clamp(dots[(ch * w) + col], -1.0, 1.0));
                var so = Math.Sin(omega);
                var wl = (float)(Math.Sin((1.0 - strength) * omega) / so);
                var wh = (float)(Math.Sin(strength * omega) / so);
                for (var row = 0; row < h; row++)
                {
                    var idx = (((ch * h) + row) * w) + col;
                    destination[idx] = (wl * low[idx]) + (wh * high[idx]);
                }
            }
        }
    }
}

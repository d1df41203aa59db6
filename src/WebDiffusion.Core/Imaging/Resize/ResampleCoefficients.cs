namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>
/// Per-output-pixel taps for one axis, computed as PIL's <c>precompute_coeffs</c> does: the filter is stretched by
/// the scale when downscaling (antialiasing), centred on <c>in0 + (i + 0.5) × scale</c>, clipped to the input and normalised.
/// </summary>
internal sealed class ResampleCoefficients
{
    private ResampleCoefficients(int[] starts, int[] counts, float[] weights, int taps)
    {
        Starts = starts;
        Counts = counts;
        Weights = weights;
        Taps = taps;
    }

    public int[] Starts { get; }

    public int[] Counts { get; }

    /// <summary>Weights: <see cref="Taps"/> per output pixel.</summary>
    public float[] Weights { get; }

    public int Taps { get; }

    public static ResampleCoefficients Create(int inSize, double in0, double in1, int outSize, ResampleFilter filter)
    {
        var scale = (in1 - in0) / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = ResampleKernels.Support(filter) * filterScale;
        var taps = ((int)Math.Ceiling(support) * 2) + 1;
        var starts = new int[outSize];
        var counts = new int[outSize];
        var weights = new float[outSize * taps];
        var k = new double[taps];
        for (var i = 0; i < outSize; i++)
        {
            var center = in0 + ((i + 0.5) * scale);
            var min = Math.Max((int)(center - support + 0.5), 0);
            var max = Math.Min((int)(center + support + 0.5), inSize) - min;
            max = Math.Clamp(max, 0, taps);
            double total = 0;
            for (var x = 0; x < max; x++)
            {
                var w = ResampleKernels.Evaluate(filter, (x + min - center + 0.5) / filterScale);
                k[x] = w;
                total += w;
            }

            for (var x = 0; x < max; x++)
            {
                weights[(i * taps) + x] = (float)(total != 0 ? k[x] / total : 0);
            }

            starts[i] = min;
            counts[i] = max;
        }

        return new ResampleCoefficients(starts, counts, weights, taps);
    }
}

using System.Numerics.Tensors;

namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>
/// Brownian-motion noise for the SDE samplers (k-diffusion's <c>BrownianTreeNoiseSampler</c>): the noise of the step
/// σ → σ' is (W(σ') − W(σ)) / sqrt(|σ' − σ|), where W is one Brownian path per image over [σ_min, σ_max], seeded by that
/// image's seed, so results do not depend on the batch size or on how the interval is cut into steps.
/// </summary>
/// <remarks>
/// What we implement vs torchsde: torchsde's <c>BrownianTree</c> (used by A1111 through k-diffusion) builds the same
/// kind of object — a "virtual Brownian tree" that bisects [t0, t1] and draws each midpoint from the Brownian bridge
/// with a seed derived from its position — but its bits come from torch generators seeded through NumPy's
/// <c>SeedSequence</c> and its cache/tolerance details, which we do not reproduce. Ours: W(t0) = 0,
/// W(t1) = sqrt(t1 − t0)·Z₁; a midpoint m of [a, b] gets W(m) = (W(a) + W(b))/2 + sqrt(b − a)/2·Z_node, descending
/// <c>depth</c> levels (default 18, a resolution of (t1 − t0)/2¹⁸); inside the final leaf W(t) is the exact bridge
/// sample between the leaf's ends with a normal keyed by t itself. Each node's normals come from Philox-4x32-10 keyed
/// by the image seed and counted by (node, element), so any query order gives the same path. Increments therefore
/// have exactly the Brownian law; the values differ from torchsde's, so SDE-sampler images match A1111's in
/// distribution, not bit for bit.
/// </remarks>
public sealed class BrownianTreeNoise : INoiseSampler
{
    private const int DefaultDepth = 18;
    private readonly long[] _seeds;
    private readonly int _perImage;
    private readonly double _t0;
    private readonly double _t1;
    private readonly int _depth;
    private readonly float[] _wa;
    private readonly float[] _wb;
    private readonly float[] _z;
    private readonly float[][] _slots = new float[2][];
    private readonly double[] _slotT = [double.NaN, double.NaN];
    private int _nextSlot;

    /// <summary>Creates the paths for the given image seeds over [<paramref name="sigmaMin"/>, <paramref name="sigmaMax"/>].</summary>
    public BrownianTreeNoise(IReadOnlyList<long> seeds, int elementsPerImage, float sigmaMin, float sigmaMax, int depth = DefaultDepth)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentOutOfRangeException.ThrowIfLessThan(elementsPerImage, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, 60);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed is required (one per image).", nameof(seeds));
        }

        if (!(sigmaMin >= 0f) || !(sigmaMax > sigmaMin))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMax), $"The Brownian interval needs 0 <= sigma_min < sigma_max (got {sigmaMin}, {sigmaMax}).");
        }

        _seeds = [.. seeds];
        _perImage = elementsPerImage;
        _t0 = sigmaMin;
        _t1 = sigmaMax;
        _depth = depth;
        var total = checked(_seeds.Length * elementsPerImage);
        _wa = new float[elementsPerImage];
        _wb = new float[elementsPerImage];
        _z = new float[elementsPerImage];
        _slots[0] = new float[total];
        _slots[1] = new float[total];
    }

    /// <summary>Elements of the whole batch.</summary>
    public int Count => _slots[0].Length;

    /// <inheritdoc />
    public void Sample(float sigma, float sigmaNext, Span<float> destination)
    {
        if (destination.Length != Count)
        {
            throw new ArgumentException($"The noise buffer must hold {Count} values, not {destination.Length}.", nameof(destination));
        }

        var s = Math.Clamp((double)sigma, _t0, _t1);
        var t = Math.Clamp((double)sigmaNext, _t0, _t1);
        var dt = Math.Abs(t - s);
        if (dt == 0)
        {
            destination.Clear();
            return;
        }

        var ws = Query(s, -1);
        var wt = Query(t, ws);
        TensorPrimitives.Subtract(_slots[wt], _slots[ws], destination);
        TensorPrimitives.Multiply(destination, (float)(1.0 / Math.Sqrt(dt)), destination);
    }

    /// <summary>W(t) for the whole batch into a cache slot; returns the slot (never <paramref name="keep"/>).</summary>
    private int Query(double t, int keep)
    {
        for (var i = 0; i < 2; i++)
        {
            if (_slotT[i] == t)
            {
                return i;
            }
        }

        var slot = _nextSlot == keep ? 1 - _nextSlot : _nextSlot;
        _nextSlot = 1 - slot;
        _slotT[slot] = t;
        for (var img = 0; img < _seeds.Length; img++)
        {
            Path(_seeds[img], t, _slots[slot].AsSpan(img * _perImage, _perImage));
        }

        return slot;
    }

    private void Path(long seed, double t, Span<float> w)
    {
        var wa = _wa.AsSpan();
        var wb = _wb.AsSpan();
        var z = _z.AsSpan();
        double a = _t0, b = _t1;
        wa.Clear();
        Normals(seed, 0, 0, wb);
        TensorPrimitives.Multiply(wb, (float)Math.Sqrt(b - a), wb);
        if (t <= a)
        {
            w.Clear();
            return;
        }

        if (t >= b)
        {
            wb.CopyTo(w);
            return;
        }

        ulong node = 1;
        for (var level = 0; level < _depth; level++)
        {
            var m = 0.5 * (a + b);
            Normals(seed, node, 0, z);
            // W(m) = (W(a) + W(b)) / 2 + sqrt(b - a) / 2 * Z
            var target = t < m ? wb : wa;
            TensorPrimitives.Add(wa, wb, target);
            TensorPrimitives.Multiply(z, (float)(0.5 * Math.Sqrt(b - a)), z);
            TensorPrimitives.MultiplyAdd(target, 0.5f, z, target);
            if (t < m)
            {
                b = m;
                node *= 2;
            }
            else
            {
                a = m;
                node = (node * 2) + 1;
            }

            if (t == a)
            {
                wa.CopyTo(w);
                return;
            }
        }

        // Exact bridge sample at t inside the leaf [a, b].
        var f = (t - a) / (b - a);
        var std = Math.Sqrt((t - a) * (b - t) / (b - a));
        Normals(seed, node, (ulong)BitConverter.DoubleToInt64Bits(t), z);
        TensorPrimitives.Subtract(wb, wa, w);
        TensorPrimitives.Multiply(w, (float)f, w);
        TensorPrimitives.Add(w, wa, w);
        TensorPrimitives.MultiplyAdd(z, (float)std, w, w);
    }

    /// <summary>Standard normals for (seed, node, stream), 4 per Philox block (Box-Muller cosine and sine).</summary>
    private static void Normals(long seed, ulong node, ulong stream, Span<float> destination)
    {
        var s = unchecked((ulong)seed);
        var k0 = (uint)s ^ (uint)stream;
        var k1 = (uint)(s >> 32) ^ (uint)(stream >> 32) ^ 0x5EED5EEDu;
        var nodeLo = (uint)node;
        var nodeHi = (uint)(node >> 32);
        for (var i = 0; i < destination.Length; i += 4)
        {
            var (x0, x1, x2, x3) = Philox4x32.Block((uint)(i >> 2), nodeLo, nodeHi, 0x9E3779B9u, k0, k1);
            BoxMuller(x0, x1, out var n0, out var n1);
            BoxMuller(x2, x3, out var n2, out var n3);
            var left = destination.Length - i;
            destination[i] = n0;
            if (left > 1)
            {
                destination[i + 1] = n1;
            }

            if (left > 2)
            {
                destination[i + 2] = n2;
            }

            if (left > 3)
            {
                destination[i + 3] = n3;
            }
        }
    }

    private static void BoxMuller(uint g0, uint g1, out float cos, out float sin)
    {
        var u = (g0 + 0.5) * (1.0 / 4294967296.0);
        var v = (g1 + 0.5) * (2.0 * Math.PI / 4294967296.0);
        var r = Math.Sqrt(-2.0 * Math.Log(u));
        var (sv, cv) = Math.SinCos(v);
        cos = (float)(r * cv);
        sin = (float)(r * sv);
    }
}

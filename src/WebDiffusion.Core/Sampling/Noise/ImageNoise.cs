namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>
/// A1111's <c>ImageRNG</c>: one generator per image, so an image's noise does not depend on its batch position.
/// <see cref="First"/> draws the initial latent noise (with variation seed and resize-seed-from applied);
/// <see cref="Next"/> draws further noise from the same generators (ancestral samplers, restart, DDIM eta).
/// </summary>
public sealed class ImageNoise : INoiseSampler
{
    private readonly ImageNoiseOptions _options;
    private readonly INoiseGenerator[] _generators;
    private bool _isFirst = true;

    /// <summary>Creates the per-image generators from the options.</summary>
    public ImageNoise(ImageNoiseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed is required (one per image).", nameof(options));
        }

        if (options.SubseedStrength is < 0f or > 1f || float.IsNaN(options.SubseedStrength))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SubseedStrength, "Variation strength must be between 0 and 1.");
        }

        _options = options;
        _generators = new INoiseGenerator[options.Seeds.Count];
        for (var i = 0; i < _generators.Length; i++)
        {
            _generators[i] = Create(options.Seeds[i]);
        }
    }

    /// <summary>Number of images.</summary>
    public int BatchSize => _generators.Length;

    /// <summary>Elements of the whole batch (batch × C × H × W).</summary>
    public int Count => checked(BatchSize * _options.Shape.Count);

    /// <summary>Fills the batch's initial noise (<c>ImageRNG.first()</c>).</summary>
    public void First(Span<float> destination)
    {
        CheckLength(destination);
        _isFirst = false;
        var shape = _options.Shape;
        var per = shape.Count;
        var resize = _options.SeedResizeFromWidth > 0 && _options.SeedResizeFromHeight > 0;
        var noiseShape = resize ? new LatentShape(shape.Channels, _options.SeedResizeFromHeight / 8, _options.SeedResizeFromWidth / 8) : shape;
        if (resize && (noiseShape.Height < 1 || noiseShape.Width < 1))
        {
            throw new ArgumentException("Resize seed from width and height must be at least 8 pixels.", nameof(destination));
        }

        var useVariation = _options.SubseedStrength != 0f && _options.Subseeds is not null;
        var small = resize || useVariation ? new float[noiseShape.Count] : [];
        var sub = useVariation ? new float[noiseShape.Count] : [];
        for (var i = 0; i < _generators.Length; i++)
        {
            var target = destination.Slice(i * per, per);
            var seed = _options.Seeds[i];
            if (!resize)
            {
                _generators[i].Randn(target);
                if (useVariation)
                {
                    Create(SubseedAt(i)).Randn(sub);
                    target.CopyTo(small);
                    VariationNoise.Slerp(_options.SubseedStrength, small, sub, shape, target);
                }

                continue;
            }

            Create(seed).Randn(small);
            if (useVariation)
            {
                Create(SubseedAt(i)).Randn(sub);
                var blended = new float[small.Length];
                VariationNoise.Slerp(_options.SubseedStrength, small, sub, noiseShape, blended);
                blended.CopyTo(small, 0);
            }

            _generators[i].Randn(target);
            CenterPaste(small, noiseShape, target, shape);
        }

        if (_options.EtaNoiseSeedDelta != 0)
        {
            for (var i = 0; i < _generators.Length; i++)
            {
                _generators[i] = Create(_options.Seeds[i] + _options.EtaNoiseSeedDelta);
            }
        }
    }

    /// <summary>Further noise from the per-image generators (<c>ImageRNG.next()</c>); the first call returns <see cref="First"/>.</summary>
    public void Next(Span<float> destination)
    {
        if (_isFirst)
        {
            First(destination);
            return;
        }

        CheckLength(destination);
        var per = _options.Shape.Count;
        for (var i = 0; i < _generators.Length; i++)
        {
            _generators[i].Randn(destination.Slice(i * per, per));
        }
    }

    /// <inheritdoc />
    public void Sample(float sigma, float sigmaNext, Span<float> destination) => Next(destination);

    private INoiseGenerator Create(long seed) => NoiseGenerators.Create(_options.Source, seed, _options.CudaHost);

    private long SubseedAt(int i) => _options.Subseeds is { } s && i < s.Count ? s[i] : 0;

    private void CheckLength(Span<float> destination)
    {
        if (destination.Length != Count)
        {
            throw new ArgumentException($"The noise buffer must hold {Count} values ({BatchSize} x {_options.Shape.Channels}x{_options.Shape.Height}x{_options.Shape.Width}), not {destination.Length}.", nameof(destination));
        }
    }

    private static void CenterPaste(ReadOnlySpan<float> small, LatentShape from, Span<float> target, LatentShape to)
    {
        var dx = (to.Width - from.Width) / 2;
        var dy = (to.Height - from.Height) / 2;
        FloorDiv(ref dx, to.Width - from.Width);
        FloorDiv(ref dy, to.Height - from.Height);
        var w = dx >= 0 ? from.Width : from.Width + (2 * dx);
        var h = dy >= 0 ? from.Height : from.Height + (2 * dy);
        var tx = Math.Max(dx, 0);
        var ty = Math.Max(dy, 0);
        var sx = Math.Max(-dx, 0);
        var sy = Math.Max(-dy, 0);
        for (var c = 0; c < to.Channels; c++)
        {
            for (var row = 0; row < h; row++)
            {
                small.Slice((((c * from.Height) + sy + row) * from.Width) + sx, w)
                    .CopyTo(target.Slice((((c * to.Height) + ty + row) * to.Width) + tx, w));
            }
        }
    }

    // Python's // floors; C#'s / truncates toward zero.
    private static void FloorDiv(ref int quotient, int numerator)
    {
        if (numerator < 0 && numerator % 2 != 0)
        {
            quotient -= 1;
        }
    }
}

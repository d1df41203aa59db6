namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>
/// The model's discrete noise levels (k-diffusion's <c>DiscreteSchedule</c> / <c>CompVisDenoiser</c>): ᾱ_t
/// (alphas_cumprod, float32 like ldm's buffer), σ_t = sqrt((1 − ᾱ_t)/ᾱ_t), and the σ ↔ t conversion by linear
/// interpolation of log σ.
/// </summary>
public sealed class DiscreteSchedule
{
    private readonly float[] _alphasCumprod;
    private readonly float[] _sigmas;
    private readonly float[] _logSigmas;

    /// <summary>Builds the schedule from the config (betas and their cumulative product in float64, stored as float32).</summary>
    public DiscreteSchedule(NoiseScheduleConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var n = config.TrainTimesteps;
        _alphasCumprod = new float[n];
        _sigmas = new float[n];
        _logSigmas = new float[n];
        double prod = 1;
        for (var i = 0; i < n; i++)
        {
            double beta;
            if (config.BetaSchedule == BetaScheduleKind.ScaledLinear)
            {
                var s0 = Math.Sqrt(config.BetaStart);
                var s1 = Math.Sqrt(config.BetaEnd);
                var s = s0 + ((s1 - s0) * i / (n - 1));
                beta = s * s;
            }
            else
            {
                beta = config.BetaStart + ((config.BetaEnd - config.BetaStart) * i / (n - 1));
            }

            prod *= 1 - beta;
            var ac = (float)prod;
            _alphasCumprod[i] = ac;
            _sigmas[i] = (float)Math.Sqrt((1.0 - ac) / ac);
            _logSigmas[i] = MathF.Log(_sigmas[i]);
        }
    }

    /// <summary>
    /// A schedule over given ᾱ_t values — a checkpoint's <c>alphas_cumprod</c> buffer, which A1111's <c>CompVisDenoiser</c>
    /// uses — with <paramref name="config"/>'s prediction type; σ as for the config-built schedule.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 values, or a value outside (0, 1].</exception>
    public DiscreteSchedule(NoiseScheduleConfig config, ReadOnlySpan<float> alphasCumprod)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (alphasCumprod.Length < 2)
        {
            throw new ArgumentException($"A schedule needs at least 2 noise levels, found {alphasCumprod.Length}.", nameof(alphasCumprod));
        }

        foreach (var ac in alphasCumprod)
        {
            if (!(ac > 0f && ac <= 1f))
            {
                throw new ArgumentException($"alphas_cumprod must lie in (0, 1]; found {ac}.", nameof(alphasCumprod));
            }
        }

        Config = config with { TrainTimesteps = alphasCumprod.Length };
        _alphasCumprod = alphasCumprod.ToArray();
        _sigmas = new float[_alphasCumprod.Length];
        _logSigmas = new float[_alphasCumprod.Length];
        for (var i = 0; i < _alphasCumprod.Length; i++)
        {
            var ac = _alphasCumprod[i];
            _sigmas[i] = (float)Math.Sqrt((1.0 - ac) / ac);
            _logSigmas[i] = MathF.Log(_sigmas[i]);
        }
    }

    /// <summary>The SD1.x/SD2/SDXL schedule.</summary>
    public static DiscreteSchedule StableDiffusion { get; } = new(NoiseScheduleConfig.StableDiffusion);

    /// <summary>The config it was built from.</summary>
    public NoiseScheduleConfig Config { get; }

    /// <summary>Number of training timesteps.</summary>
    public int Count => _sigmas.Length;

    /// <summary>ᾱ_t for t = 0..N−1.</summary>
    public ReadOnlySpan<float> AlphasCumprod => _alphasCumprod;

    /// <summary>σ_t for t = 0..N−1 (ascending).</summary>
    public ReadOnlySpan<float> Sigmas => _sigmas;

    /// <summary>log σ_t.</summary>
    public ReadOnlySpan<float> LogSigmas => _logSigmas;

    /// <summary>σ at t = 0 (SD: ≈ 0.0292).</summary>
    public float SigmaMin => _sigmas[0];

    /// <summary>σ at t = N−1 (SD: ≈ 14.6146).</summary>
    public float SigmaMax => _sigmas[^1];

    /// <summary>σ of an ᾱ: sqrt((1 − ᾱ)/ᾱ).</summary>
    public static double SigmaFromAlphaCumprod(double alphaCumprod) => Math.Sqrt((1 - alphaCumprod) / alphaCumprod);

    /// <summary>
    /// Fractional timestep of <paramref name="sigma"/>: find the log-σ interval that holds log σ and interpolate
    /// linearly (clamped to [0, N−1]).
    /// </summary>
    public double SigmaToT(double sigma)
    {
        if (!(sigma > 0))
        {
            return 0;
        }

        var logSigma = Math.Log(sigma);
        var ls = _logSigmas;
        // low = last index with log_sigmas[low] <= log sigma, clamped to [0, N-2].
        int lo = 0, hi = ls.Length - 1;
        if (logSigma < ls[0])
        {
            lo = 0;
        }
        else
        {
            while (hi - lo > 1)
            {
                var mid = (lo + hi) >> 1;
                if (ls[mid] <= logSigma)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            lo = Math.Min(lo, ls.Length - 2);
        }

        double low = ls[lo], high = ls[lo + 1];
        var w = Math.Clamp((low - logSigma) / (low - high), 0.0, 1.0);
        return ((1 - w) * lo) + (w * (lo + 1));
    }

    /// <summary>σ of a fractional timestep: exp of the linear interpolation of log σ between floor(t) and ceil(t).</summary>
    public double TToSigma(double t)
    {
        t = Math.Clamp(t, 0, Count - 1);
        var lo = (int)Math.Floor(t);
        var hi = (int)Math.Ceiling(t);
        var w = t - lo;
        return Math.Exp(((1 - w) * _logSigmas[lo]) + (w * _logSigmas[hi]));
    }

    /// <summary>k-diffusion's <c>get_sigmas(n)</c>: t = linspace(N−1, 0, n) mapped to σ, then a trailing 0 (n + 1 values).</summary>
    public float[] GetSigmas(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var result = new float[n + 1];
        var tMax = Count - 1;
        for (var i = 0; i < n; i++)
        {
            var t = n == 1 ? tMax : tMax - ((double)tMax * i / (n - 1));
            result[i] = (float)TToSigma(t);
        }

        return result;
    }
}

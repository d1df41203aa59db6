using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers.Timesteps;

/// <summary>
/// UniPC (Zhao et al. 2023) as A1111 runs it: multistep, data prediction, variant bh1 (or bh2), order 3, time-uniform
/// steps on the continuous VP schedule t ∈ [1/N, 1] (log ᾱ interpolated linearly over t_i = (i + 1)/N), lower order on
/// the final steps, no corrector on the last step. The model runs at σ = σ_vp(t)/α(t), which the denoiser maps back to
/// the (fractional) timestep ≈ 1000·t − 1 that A1111 passes to the UNet.
/// </summary>
internal sealed class UniPcSampler(SamplerInfo info) : TimestepSampler(info)
{
    private const int MaxOrder = 3;

    protected override int BufferCount => 5 + MaxOrder;

    protected override async ValueTask RunAsync(SamplerRun run, int[] timesteps, CancellationToken cancellationToken)
    {
        var schedule = new VpSchedule(run.Job.Model);
        var steps = timesteps.Length;
        var order = Math.Clamp(run.P.UniPcOrder, 1, MaxOrder);
        order = Math.Min(order, steps);
        var bh2 = string.Equals(run.P.UniPcVariant, "bh2", StringComparison.OrdinalIgnoreCase);
        var tT = run.Job.IsImg2Img ? (timesteps[^1] / 1000.0) + (1 / 1000.0) : 1.0;
        var t0 = 1.0 / schedule.Count;
        var grid = new double[steps + 1];
        for (var i = 0; i <= steps; i++)
        {
            grid[i] = tT + ((t0 - tT) * i / steps);
        }

        var state = new UniPcState(run, schedule, order, bh2);
        await state.ModelAsync(run.X, grid[0], state.Push(grid[0]), cancellationToken).ConfigureAwait(false);
        for (var k = 1; k < order; k++)
        {
            await state.UpdateAsync(grid[k], k, useCorrector: true, cancellationToken).ConfigureAwait(false);
            run.Report(k - 1, steps, schedule.KSigma(grid[k]), run.X.Span, state.Latest.Span);
            await state.StoreModelAsync(grid[k], cancellationToken).ConfigureAwait(false);
        }

        for (var step = order; step <= steps; step++)
        {
            var stepOrder = run.P.UniPcLowerOrderFinal ? Math.Min(order, steps + 1 - step) : order;
            var last = step == steps;
            await state.UpdateAsync(grid[step], stepOrder, useCorrector: !last, cancellationToken).ConfigureAwait(false);
            run.Report(step - 1, steps, schedule.KSigma(grid[step]), run.X.Span, state.Latest.Span);
            if (!last)
            {
                await state.StoreModelAsync(grid[step], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The continuous-time VP view of the discrete schedule (UniPC's <c>NoiseScheduleVP('discrete')</c>).</summary>
    private sealed class VpSchedule(DiscreteSchedule model)
    {
        private readonly float[] _ac = model.AlphasCumprod.ToArray();

        public int Count => _ac.Length;

        public double LogAlpha(double t)
        {
            // log α at t_i = (i + 1)/N is ½·ln ᾱ_i; linear in between (and beyond the ends).
            var x = (t * _ac.Length) - 1;
            var lo = Math.Clamp((int)Math.Floor(x), 0, _ac.Length - 2);
            var w = x - lo;
            return 0.5 * (((1 - w) * Math.Log(_ac[lo])) + (w * Math.Log(_ac[lo + 1])));
        }

        public double Alpha(double t) => Math.Exp(LogAlpha(t));

        public double Std(double t) => Math.Sqrt(-SpanOps.ExpM1(2 * LogAlpha(t)));

        public double Lambda(double t)
        {
            var la = LogAlpha(t);
            return la - (0.5 * Math.Log(-SpanOps.ExpM1(2 * la)));
        }

        /// <summary>The k-diffusion σ = σ_vp/α at t.</summary>
        public double KSigma(double t) => Std(t) / Alpha(t);
    }

    /// <summary>The multistep history (model outputs and their times) and the UniPC bh update.</summary>
    private sealed class UniPcState
    {
        private readonly SamplerRun _run;
        private readonly VpSchedule _ns;
        private readonly bool _bh2;
        private readonly Memory<float> _xBase;
        private readonly Memory<float> _acc;
        private readonly Memory<float> _scratch;
        private readonly Memory<float>[] _models;
        private readonly double[] _times;
        private readonly double[] _rks = new double[MaxOrder];
        private readonly double[] _b = new double[MaxOrder];
        private readonly double[] _r = new double[MaxOrder * MaxOrder];
        private readonly double[] _rhosP = new double[MaxOrder];
        private readonly double[] _rhosC = new double[MaxOrder];
        private readonly int _capacity;
        private readonly Memory<float> _spare;
        private int _count;
        private bool _hasCorrected;

        public UniPcState(SamplerRun run, VpSchedule ns, int order, bool bh2)
        {
            _run = run;
            _ns = ns;
            _bh2 = bh2;
            _capacity = order;
            _xBase = run.Buffer(0);
            _acc = run.Buffer(1);
            _scratch = run.Buffer(2);
            _spare = run.Buffer(3);
            _models = new Memory<float>[order];
            for (var i = 0; i < order; i++)
            {
                _models[i] = run.Buffer(4 + i);
            }

            _times = new double[order];
        }

        /// <summary>The most recent model output (data prediction).</summary>
        public Memory<float> Latest => _models[_count - 1];

        /// <summary>Appends a slot for time t (shifting out the oldest when full) and returns its buffer.</summary>
        public Memory<float> Push(double t)
        {
            if (_count == _capacity)
            {
                var oldest = _models[0];
                for (var i = 0; i < _capacity - 1; i++)
                {
                    _models[i] = _models[i + 1];
                    _times[i] = _times[i + 1];
                }

                _models[_capacity - 1] = oldest;
                _count--;
            }

            _times[_count] = t;
            return _models[_count++];
        }

        /// <summary>Data prediction x̂₀(x, t) = D(x/α, σ_vp/α).</summary>
        public async ValueTask ModelAsync(Memory<float> x, double t, Memory<float> destination, CancellationToken cancellationToken)
        {
            var alpha = _ns.Alpha(t);
            System.Numerics.Tensors.TensorPrimitives.Multiply(x.Span, (float)(1 / alpha), _scratch.Span);
            await _run.DenoiseAsync(_scratch, _ns.Std(t) / alpha, destination, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>After an update: record the model output at t (the corrector's, or a fresh evaluation).</summary>
        public async ValueTask StoreModelAsync(double t, CancellationToken cancellationToken)
        {
            if (_hasCorrected)
            {
                // The corrector's model_t is in _spare: swap it into the history.
                var slot = Push(t);
                _spare.Span.CopyTo(slot.Span);
                return;
            }

            await ModelAsync(_run.X, t, Push(t), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One multistep UniPC (bh) predictor(-corrector) update of the run's x to time t.</summary>
        public async ValueTask UpdateAsync(double t, int order, bool useCorrector, CancellationToken cancellationToken)
        {
            order = Math.Min(order, _count);
            var t0 = _times[_count - 1];
            var m0 = _models[_count - 1];
            var lambda0 = _ns.Lambda(t0);
            var lambdaT = _ns.Lambda(t);
            var sigma0 = _ns.Std(t0);
            var sigmaT = _ns.Std(t);
            var alphaT = _ns.Alpha(t);
            var h = lambdaT - lambda0;

            var rks = _rks;
            for (var i = 1; i < order; i++)
            {
                rks[i - 1] = (_ns.Lambda(_times[_count - 1 - i]) - lambda0) / h;
            }

            rks[order - 1] = 1;
            var hh = -h;
            var hPhi1 = SpanOps.ExpM1(hh);
            var hPhiK = (hPhi1 / hh) - 1;
            double factorial = 1;
            var bH = _bh2 ? SpanOps.ExpM1(hh) : hh;
            var b = _b;
            var r = _r;
            for (var i = 1; i <= order; i++)
            {
                for (var j = 0; j < order; j++)
                {
                    r[((i - 1) * order) + j] = Math.Pow(rks[j], i - 1);
                }

                b[i - 1] = hPhiK * factorial / bH;
                factorial *= i + 1;
                hPhiK = (hPhiK / hh) - (1 / factorial);
            }

            // x_t_ = σ_t/σ_0·x − α_t·hφ₁·m0
            SpanOps.Lin(_run.X.Span, sigmaT / sigma0, m0.Span, -alphaT * hPhi1, _xBase.Span);

            // Predictor: x_t = x_t_ − α_t·B(h)·Σ ρ_p[k]·D1_k, D1_k = (m_k − m0)/r_k.
            _xBase.Span.CopyTo(_run.X.Span);
            if (order > 1)
            {
                var rhosP = _rhosP;
                if (order == 2)
                {
                    rhosP[0] = 0.5;
                }
                else
                {
                    Solve(r, order, order - 1, b, rhosP);
                }

                Accumulate(rhosP, rks, order - 1);
                SpanOps.AddScaled(_run.X.Span, _acc.Span, -alphaT * bH);
            }

            _hasCorrected = false;
            if (!useCorrector)
            {
                return;
            }

            var rhosC = _rhosC;
            if (order == 1)
            {
                rhosC[0] = 0.5;
            }
            else
            {
                Solve(r, order, order, b, rhosC);
            }

            await ModelAsync(_run.X, t, _spare, cancellationToken).ConfigureAwait(false);
            m0 = _models[_count - 1];
            Accumulate(rhosC, rks, order - 1);
            // corr = Σ ρ_c[k]·D1_k + ρ_c[-1]·(model_t − m0)
            SpanOps.AddScaled(_acc.Span, _spare.Span, rhosC[order - 1]);
            SpanOps.AddScaled(_acc.Span, m0.Span, -rhosC[order - 1]);
            SpanOps.Lin(_xBase.Span, 1, _acc.Span, -alphaT * bH, _run.X.Span);
            _hasCorrected = true;
        }

        /// <summary>_acc = Σ_{k&lt;K} ρ[k]·(m_{−(k+2)} − m0)/r_k.</summary>
        private void Accumulate(ReadOnlySpan<double> rhos, ReadOnlySpan<double> rks, int k)
        {
            var acc = _acc.Span;
            acc.Clear();
            var m0 = _models[_count - 1].Span;
            double total = 0;
            for (var i = 0; i < k; i++)
            {
                var w = rhos[i] / rks[i];
                SpanOps.AddScaled(acc, _models[_count - 2 - i].Span, w);
                total += w;
            }

            SpanOps.AddScaled(acc, m0, -total);
        }

        /// <summary>Solves the leading n×n block of the row-major <paramref name="matrix"/> (stride <paramref name="stride"/>) against rhs.</summary>
        private static void Solve(ReadOnlySpan<double> matrix, int stride, int n, ReadOnlySpan<double> rhs, Span<double> result)
        {
            Span<double> a = stackalloc double[MaxOrder * (MaxOrder + 1)];
            var w = n + 1;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    a[(i * w) + j] = matrix[(i * stride) + j];
                }

                a[(i * w) + n] = rhs[i];
            }

            for (var col = 0; col < n; col++)
            {
                var pivot = col;
                for (var row = col + 1; row < n; row++)
                {
                    if (Math.Abs(a[(row * w) + col]) > Math.Abs(a[(pivot * w) + col]))
                    {
                        pivot = row;
                    }
                }

                if (pivot != col)
                {
                    for (var j = 0; j <= n; j++)
                    {
                        (a[(col * w) + j], a[(pivot * w) + j]) = (a[(pivot * w) + j], a[(col * w) + j]);
                    }
                }

                for (var row = col + 1; row < n; row++)
                {
                    var f = a[(row * w) + col] / a[(col * w) + col];
                    for (var j = col; j <= n; j++)
                    {
                        a[(row * w) + j] -= f * a[(col * w) + j];
                    }
                }
            }

            for (var i = n - 1; i >= 0; i--)
            {
                var s = a[(i * w) + n];
                for (var j = i + 1; j < n; j++)
                {
                    s -= a[(i * w) + j] * result[j];
                }

                result[i] = s / a[(i * w) + i];
            }
        }
    }
}

using System.Globalization;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;
using Xunit.Abstractions;

namespace WebDiffusion.Core.Tests.Sampling;

/// <summary>
/// Deterministic samplers integrate the probability-flow ODE of the analytic model; the error against the closed form
/// must shrink with the method's order when the step count doubles.
/// </summary>
public class SamplerConvergenceTests(ITestOutputHelper output)
{
    private const int Elements = 64;
    private const double DataStd = 0.5;

    public static TheoryData<string, double, double, int> Deterministic => new()
    {
        // sampler, eta (NaN = default), minimum measured order, first step count (doubled twice; DPM fast: 11, 23, 47 = 4, 8, 16 solver steps)
        { "Euler", double.NaN, 0.8, 10 },
        { "Euler a", 0, 0.8, 10 },
        { "Heun", double.NaN, 1.7, 10 },
        { "DPM2", double.NaN, 1.7, 10 },
        { "DPM2 a", 0, 1.7, 10 },
        { "LMS", double.NaN, 1.7, 10 },
        { "DPM++ 2M", double.NaN, 1.7, 10 },
        { "DPM++ 2S a", 0, 1.7, 10 },
        { "DPM++ SDE", 0, 1.7, 10 },
        { "DPM++ 2M SDE", 0, 1.7, 10 },
        { "DPM++ 2M SDE Heun", 0, 1.7, 10 },
        { "DPM++ 3M SDE", 0, 2.0, 10 },
        { "DPM fast", 0, 2.5, 11 },
        { "DDIM", double.NaN, 0.8, 10 },
        { "PLMS", double.NaN, 1.2, 10 },
        { "UniPC", double.NaN, 2.5, 10 },
    };

    [Theory]
    [MemberData(nameof(Deterministic))]
    public async Task Deterministic_sampler_converges_to_the_ode_solution_with_its_order(string name, double eta, double minOrder, int steps)
    {
        var sampler = SamplerRegistry.Get(name);
        var errors = new double[3];
        for (var k = 0; k < 3; k++)
        {
            var n = name == "DPM fast" ? ((steps + 1) << k) - 1 : steps << k;
            errors[k] = await ErrorAsync(sampler, n, double.IsNaN(eta) ? null : eta);
        }

        var order1 = Math.Log2(errors[0] / errors[1]);
        var order2 = Math.Log2(errors[1] / errors[2]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: errors {errors[0]:E3} {errors[1]:E3} {errors[2]:E3}; orders {order1:F2} {order2:F2}"));
        Assert.True(errors[2] < errors[0], $"{name} does not converge: {string.Join(", ", errors)}");
        Assert.True(order2 >= minOrder, string.Create(CultureInfo.InvariantCulture, $"{name}: measured order {order2:F2} < {minOrder}"));
    }

    [Fact]
    public async Task Dpm_adaptive_reaches_the_ode_solution_within_its_tolerance()
    {
        var sampler = SamplerRegistry.Get("DPM adaptive");
        var loose = await ErrorAsync(sampler, 20, 0);
        var tight = await ErrorAsync(sampler, 20, 0, new SamplerParameters { AdaptiveRtol = 1e-4, AdaptiveAtol = 1e-5 });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DPM adaptive: RMS error {loose:E3} (rtol 0.05), {tight:E3} (rtol 1e-4)"));
        Assert.True(loose < 0.05, $"error {loose}");
        Assert.True(tight < 1e-3 && tight < loose / 10, $"error {tight}");
    }

    /// <summary>RMS error against the closed form, at the σ where the comparison is exact for this sampler family.</summary>
    internal static async Task<double> ErrorAsync(ISampler sampler, int steps, double? eta, SamplerParameters? parameters = null)
    {
        var mu = Enumerable.Range(0, Elements).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        var model = new AnalyticDenoiser(mu, DataStd);
        var noise = new float[Elements];
        new TorchCpuGenerator(1234).Randn(noise);
        var result = new float[Elements];
        var recorder = new LastStepRecorder(Elements);
        var job = new SamplingJob
        {
            Denoiser = model,
            Steps = steps,
            Noise = noise,
            Output = result,
            Seeds = [1234],
            Progress = recorder,
            Model = DiscreteSchedule.StableDiffusion,
            Parameters = (parameters ?? SamplerParameters.Default) with { Eta = eta },
            // Exponential spacing: every step shrinks like 1/N in log σ (the uniform-in-t schedule's last steps do not).
            Schedule = new ScheduleOptions { Type = ScheduleType.Exponential },
        };
        var schedule = DiscreteSchedule.StableDiffusion;
        // Timesteps samplers are compared where all three grids share a point (timestep 501; UniPC t = 0.5005).
        recorder.Target = DiscreteSchedule.SigmaFromAlphaCumprod(schedule.AlphasCumprod[501]);
        await sampler.SampleAsync(job, CancellationToken.None);
        double sigma0, sigmaEnd, scaleOut = 1, scaleIn;
        float[] compare;
        if (sampler.Info.Has(SamplerFlags.Timesteps))
        {
            // VP latents: start x_vp = noise at ᾱ_start; x_ve = x_vp / sqrt(ᾱ). Compared mid-way: near the end A1111's
            // grids (timestep 1 → ᾱ_0, UniPC's time-uniform t near 0) have steps that do not shrink with N in log σ.
            sigma0 = sampler.Info.Name == "UniPC" ? schedule.SigmaMax : sampler.GetSigmas(job)[0];
            scaleIn = Math.Sqrt(1 + (sigma0 * sigma0));
            sigmaEnd = recorder.TargetSigma;
            scaleOut = Math.Sqrt(1 + (sigmaEnd * sigmaEnd));
            compare = recorder.TargetX;
        }
        else if (sampler.Info.Name is "DPM fast" or "DPM adaptive")
        {
            sigma0 = schedule.SigmaMax;
            scaleIn = sigma0;
            sigmaEnd = schedule.SigmaMin;
            compare = result;
        }
        else
        {
            // Before the final jump to σ = 0 (a single step whose size does not shrink with N).
            sigma0 = sampler.GetSigmas(job)[0];
            scaleIn = sigma0;
            sigmaEnd = recorder.Sigma;
            compare = recorder.X;
        }

        double sum = 0;
        for (var i = 0; i < Elements; i++)
        {
            var exact = model.Exact(i, noise[i] * scaleIn, sigma0, sigmaEnd);
            var e = (compare[i] * scaleOut) - exact;
            sum += e * e;
        }

        return Math.Sqrt(sum / Elements);
    }
}

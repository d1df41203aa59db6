using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

/// <summary>
/// The denoiser wiring (c_in scaling, σ → fractional timestep, CFG batching, c_skip/c_out) checked through the real ONNX
/// analytic UNet, whose optimal denoiser and probability-flow ODE solution are known in closed form.
/// </summary>
public class GuidedDenoiserTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly AnalyticModelParameters Data = AnalyticModelParameters.Default;

    private async Task<GuidedDenoiser> CreateAsync(LatentShape shape, int batch, double cfg)
    {
        var context = fixture.Context(TinyModelVariant.Analytic);
        var builder = new ConditioningBuilder(new OnnxTextEncoder(context.Model.TextEncoder), context.Tokenizer);
        var cond = await builder.BuildScheduleAsync("a quiet lake", 10);
        var uncond = await builder.BuildScheduleAsync(string.Empty, 10);
        return new GuidedDenoiser(context.Model.UNet, context.Schedule, PredictionType.Epsilon, shape, batch, cond, uncond, cfg);
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(2.5f)]
    [InlineData(9.75f)]
    public async Task One_call_equals_the_optimal_denoiser(float sigma)
    {
        var shape = new LatentShape(4, 8, 8);
        var denoiser = await CreateAsync(shape, 2, cfg: 7);
        var x = new float[2 * shape.Count];
        new TorchCpuGenerator(7).Randn(x);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= sigma;
        }

        var denoised = new float[x.Length];
        await denoiser.DenoiseAsync(x, sigma, denoised, CancellationToken.None);

        double s2 = Data.StdDev * Data.StdDev;
        for (var i = 0; i < x.Length; i++)
        {
            var expected = ((s2 * x[i]) + (sigma * sigma * Data.Mean)) / (s2 + (sigma * sigma));
            Assert.Equal(expected, denoised[i], 3e-4 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public async Task Sampling_with_the_denoiser_reaches_the_closed_form_ode_solution()
    {
        var shape = new LatentShape(4, 8, 8);
        var denoiser = await CreateAsync(shape, 1, cfg: 5);
        var noise = new float[shape.Count];
        new TorchCpuGenerator(123).Randn(noise);
        var output = new float[shape.Count];
        var sampler = SamplerRegistry.Get("DPM++ 2M");
        var job = new SamplingJob
        {
            Denoiser = denoiser,
            Model = fixture.Context(TinyModelVariant.Analytic).Schedule,
            Steps = 40,
            Noise = noise,
            Output = output,
            Seeds = [123],
            Schedule = new ScheduleOptions { Type = ScheduleType.Karras },
        };
        var sigmaMax = sampler.GetSigmas(job)[0];

        await sampler.SampleAsync(job, CancellationToken.None);

        double s = Data.StdDev;
        var shrink = s / Math.Sqrt((s * s) + (sigmaMax * sigmaMax));
        var worst = 0.0;
        for (var i = 0; i < output.Length; i++)
        {
            var expected = Data.Mean + (((noise[i] * sigmaMax) - Data.Mean) * shrink);
            worst = Math.Max(worst, Math.Abs(expected - output[i]));
        }

        Assert.True(worst < 0.02 * s, $"largest deviation from the ODE solution: {worst}");
        Assert.True(denoiser.Calls >= 40, "the denoiser was called once per step at least");
    }

    [Fact]
    public void Blend_keeps_the_init_latent_where_the_mask_is_zero()
    {
        var shape = new LatentShape(4, 2, 2);
        var result = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var init = Enumerable.Repeat(-1f, 16).ToArray();
        float[] mask = [1, 0, 0.5f, 0];

        GuidedDenoiser.Blend(result, init, mask, 1, shape);

        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(c * 4, result[c * 4]);
            Assert.Equal(-1f, result[(c * 4) + 1]);
            Assert.Equal(((c * 4) + 2 - 1) / 2f, result[(c * 4) + 2], 1e-6);
            Assert.Equal(-1f, result[(c * 4) + 3]);
        }
    }
}

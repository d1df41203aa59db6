using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Tests.Sampling;

public class SamplerRegistryTests
{
    [Fact]
    public void Names_and_aliases_resolve_case_insensitively()
    {
        Assert.Equal("Euler a", SamplerRegistry.Get("k_euler_ancestral").Info.Name);
        Assert.Equal("DPM++ 2M", SamplerRegistry.Get("dpm++ 2m").Info.Name);
        Assert.Equal("UniPC", SamplerRegistry.Get("UNIPC").Info.Name);
        Assert.Equal(19, SamplerRegistry.All.Count);
        Assert.Equal("DPM++ 2M", SamplerRegistry.Names[0]);
    }

    [Fact]
    public void Unknown_sampler_is_rejected_with_the_valid_names()
    {
        var ex = Assert.Throws<UnknownSamplerException>(() => SamplerRegistry.Get("Euler b"));
        Assert.Contains("Euler a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DPM++ 2M", ex.Message, StringComparison.Ordinal);
        Assert.Throws<UnknownSamplerException>(() => SamplerRegistry.Resolve("Nope Karras"));
    }

    [Fact]
    public void Legacy_names_split_into_sampler_and_schedule()
    {
        var (sampler, scheduler) = SamplerRegistry.Resolve("DPM++ 2M SDE Karras");
        Assert.Equal("DPM++ 2M SDE", sampler.Info.Name);
        Assert.Equal(ScheduleType.Karras, scheduler.Type);

        // A schedule equal to the sampler's default is written back as Automatic.
        (sampler, scheduler) = SamplerRegistry.Resolve("DPM++ 2M Karras");
        Assert.Equal("DPM++ 2M", sampler.Info.Name);
        Assert.Equal(ScheduleType.Automatic, scheduler.Type);

        (sampler, scheduler) = SamplerRegistry.Resolve("Euler a", "Exponential");
        Assert.Equal(ScheduleType.Exponential, scheduler.Type);
        Assert.Equal("DPM++ 2M SDE Heun", SamplerRegistry.Resolve("DPM++ 2M SDE Heun").Sampler.Info.Name);
    }

    [Fact]
    public void Defaults_and_flags_follow_a1111()
    {
        Assert.Equal(ScheduleType.Karras, SamplerRegistry.Get("DPM++ 2M").Info.DefaultScheduler);
        Assert.Equal(ScheduleType.Exponential, SamplerRegistry.Get("DPM++ 3M SDE").Info.DefaultScheduler);
        Assert.Null(SamplerRegistry.Get("Euler").Info.DefaultScheduler);
        Assert.True(SamplerRegistry.Get("DPM2 a").Info.Has(SamplerFlags.DiscardPenultimateSigma | SamplerFlags.UsesEnsd));
        Assert.True(SamplerRegistry.Get("DPM++ SDE").Info.Has(SamplerFlags.BrownianNoise));
        Assert.True(SamplerRegistry.Get("PLMS").Info.Has(SamplerFlags.Timesteps));
    }

    [Fact]
    public void Sampler_sigmas_use_the_default_schedule_and_discard_rule()
    {
        var expected = ReferenceJson.Schedules.GetProperty("a1111_20_steps").StartingWith("karras_discard_penultimate").Doubles();
        var job = new SamplingJob { Denoiser = new AnalyticDenoiser([0f], 1), Steps = 20, Noise = new float[4], Output = new float[4], Seeds = [1] };
        ScheduleReferenceTests.AssertRel(expected, SamplerRegistry.Get("DPM2").GetSigmas(job));
    }

    [Theory]
    [InlineData("Euler")]
    [InlineData("DPM++ 2M")]
    [InlineData("DDIM")]
    [InlineData("UniPC")]
    public async Task Img2img_at_strength_zero_returns_the_input_latent(string name)
    {
        var init = Enumerable.Range(0, 16).Select(i => (float)i / 7).ToArray();
        var noise = new float[16];
        new TorchCpuGenerator(3).Randn(noise);
        var output = new float[16];
        var model = new AnalyticDenoiser([0f], 1);
        await SamplerRegistry.Get(name).SampleAsync(
            new SamplingJob { Denoiser = model, Steps = 20, Noise = noise, Output = output, Seeds = [3], InitLatent = init, DenoisingStrength = 0 },
            CancellationToken.None);
        Assert.Equal(init, output);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task Img2img_runs_the_last_t_enc_plus_one_sigmas_from_init_plus_noise()
    {
        var init = Enumerable.Range(0, 16).Select(i => (float)i / 7).ToArray();
        var noise = new float[16];
        new TorchCpuGenerator(3).Randn(noise);
        var recorder = new FirstStepRecorder(16);
        var job = new SamplingJob
        {
            Denoiser = new AnalyticDenoiser([0f], 1),
            Steps = 20,
            Noise = noise,
            Output = new float[16],
            Seeds = [3],
            InitLatent = init,
            DenoisingStrength = 0.5,
            Progress = recorder,
        };
        var sampler = SamplerRegistry.Get("Euler");
        var sigmas = sampler.GetSigmas(job);
        var full = ScheduleBuilder.Build(job.Model, 20);
        Assert.Equal(12, sigmas.Length); // t_enc = 10 → 11 steps
        Assert.Equal(full[9..], sigmas);
        await sampler.SampleAsync(job, CancellationToken.None);
        Assert.Equal(11, recorder.Steps);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(init[i] + (noise[i] * sigmas[0]), recorder.FirstX[i], 1e-5);
        }
    }

    [Fact]
    public async Task Cancellation_stops_between_model_calls()
    {
        using var cts = new CancellationTokenSource();
        var job = new SamplingJob
        {
            Denoiser = new AnalyticDenoiser([0f], 1),
            Steps = 20,
            Noise = new float[8],
            Output = new float[8],
            Seeds = [1],
            Progress = new CancelAfter(cts, 3),
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await SamplerRegistry.Get("Heun").SampleAsync(job, cts.Token));
    }

    [Fact]
    public async Task Bad_input_is_rejected_before_any_model_call()
    {
        var model = new AnalyticDenoiser([0f], 1);
        var sampler = SamplerRegistry.Get("Euler");
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await sampler.SampleAsync(
            new SamplingJob { Denoiser = model, Steps = 20, Noise = new float[8], Output = new float[9], Seeds = [1] }, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await sampler.SampleAsync(
            new SamplingJob { Denoiser = model, Steps = 0, Noise = new float[8], Output = new float[8], Seeds = [1] }, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await sampler.SampleAsync(
            new SamplingJob { Denoiser = model, Steps = 20, Noise = new float[9], Output = new float[9], Seeds = [1, 2] }, CancellationToken.None));
        Assert.Equal(0, model.Calls);
    }

    private sealed class FirstStepRecorder(int length) : ISamplerProgress
    {
        public float[] FirstX { get; } = new float[length];

        public int Steps { get; private set; }

        public void OnStep(in SamplerStep step)
        {
            if (Steps++ == 0)
            {
                step.X.CopyTo(FirstX);
            }
        }
    }

    private sealed class CancelAfter(CancellationTokenSource cts, int steps) : ISamplerProgress
    {
        private int _seen;

        public void OnStep(in SamplerStep step)
        {
            if (++_seen == steps)
            {
                cts.Cancel();
            }
        }
    }
}

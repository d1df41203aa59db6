using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Tests.Sampling;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

/// <summary>A1111's sampler options and the GPU noise source through the whole pipeline, and job-wide progress.</summary>
public class SamplerSettingsPipelineTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GenerationRequest Small = new()
    {
        Prompt = "a red house",
        Width = 64,
        Height = 64,
        Steps = 6,
        Seed = 77,
        SamplerName = "DPM++ 2M SDE",
    };

    private async Task<RecordingObserver> RunAsync(GenerationRequest request, Func<GenerationContext, GenerationContext>? configure = null)
    {
        var observer = new RecordingObserver();
        var context = fixture.Context(TinyModelVariant.Fp32);
        await new StableDiffusionPipeline(configure?.Invoke(context) ?? context).RunAsync(request, observer, null, CancellationToken.None);
        return observer;
    }

    private static bool Same(RecordingObserver a, RecordingObserver b) =>
        a.Images.Zip(b.Images).All(p => p.First.Image.Pixels.AsSpan().SequenceEqual(p.Second.Image.Pixels));

    [Fact]
    public void Gpu_source_is_philox_on_a_cuda_host_and_mt19937_elsewhere()
    {
        var shape = new LatentShape(4, 64, 64);
        var cuda = new float[shape.Count];
        new ImageNoise(new ImageNoiseOptions { Shape = shape, Seeds = [0], Source = RandnSource.Gpu, CudaHost = true }).First(cuda);
        TorchNoiseTests.AssertClose(ReferenceJson.Rng.GetProperty("computed_nv_philox").GetProperty("0").GetProperty("offset0_first16").Doubles(), cuda.AsSpan(0, 16).ToArray());

        var cpu = new float[shape.Count];
        new ImageNoise(new ImageNoiseOptions { Shape = shape, Seeds = [0], Source = RandnSource.Gpu, CudaHost = false }).First(cpu);
        TorchNoiseTests.AssertClose(ReferenceJson.Rng.GetProperty("computed_torch_cpu").GetProperty("0").StartingWith("randn_16384_first32").Doubles(), cpu.AsSpan(0, 32).ToArray());
    }

    [Fact]
    public async Task Pipeline_gpu_noise_on_a_cuda_host_equals_nv_and_writes_no_rng()
    {
        var cudaGpu = await RunAsync(Small, c => c with { CudaHost = true });
        var nv = await RunAsync(Small, c => c with { RandnSource = RandnSource.NV });
        var cpuGpu = await RunAsync(Small);

        Assert.True(Same(cudaGpu, nv), "GPU on a CUDA host must draw A1111's NV (Philox) noise");
        Assert.False(Same(cudaGpu, cpuGpu), "GPU on a CPU host must draw torch's CPU noise");
        Assert.Null(InfotextParser.Parse(cudaGpu.Images[0].Infotext)["RNG"]);
        Assert.Equal("NV", InfotextParser.Parse(nv.Images[0].Infotext)["RNG"]);
    }

    [Fact]
    public async Task Non_default_s_noise_changes_the_image_deterministically_and_is_written()
    {
        var baseline = await RunAsync(Small);
        var option = await RunAsync(Small, c => c with { Sampling = new SamplerSettings { SNoise = 1.1 } });
        var again = await RunAsync(Small, c => c with { Sampling = new SamplerSettings { SNoise = 1.1 } });
        var field = await RunAsync(Small with { SNoise = 1.1 });

        Assert.False(Same(baseline, option), "s_noise 1.1 must change an SDE sampler's result");
        Assert.True(Same(option, again), "the same s_noise must give the same pixels");
        Assert.True(Same(option, field), "the request field and the option mean the same");
        Assert.Equal("1.1", InfotextParser.Parse(option.Images[0].Infotext)["Sigma noise"]);
        Assert.Null(InfotextParser.Parse(baseline.Images[0].Infotext)["Sigma noise"]);
    }

    [Fact]
    public async Task S_noise_does_not_reach_euler_a_like_in_a1111()
    {
        var request = Small with { SamplerName = "Euler a" };
        var baseline = await RunAsync(request);
        var noisy = await RunAsync(request, c => c with { Sampling = new SamplerSettings { SNoise = 1.1 } });

        Assert.True(Same(baseline, noisy));
        Assert.Null(InfotextParser.Parse(noisy.Images[0].Infotext)["Sigma noise"]);
    }

    [Fact]
    public async Task Eta_option_changes_the_image_and_is_written_only_when_not_default()
    {
        var request = Small with { SamplerName = "Euler a" };
        var baseline = await RunAsync(request);
        var half = await RunAsync(request, c => c with { Sampling = new SamplerSettings { EtaAncestral = 0.5 } });
        var explicitDefault = await RunAsync(request with { Eta = 1.0 }, c => c with { Sampling = new SamplerSettings { EtaAncestral = 0.5 } });
        var ddim = await RunAsync(Small with { SamplerName = "DDIM" }, c => c with { Sampling = new SamplerSettings { EtaDdim = 0.3 } });

        Assert.False(Same(baseline, half));
        Assert.Equal("0.5", InfotextParser.Parse(half.Images[0].Infotext)["Eta"]);
        Assert.Null(InfotextParser.Parse(baseline.Images[0].Infotext)["Eta"]);
        Assert.True(Same(baseline, explicitDefault), "the request's eta wins over eta_ancestral");
        Assert.Null(InfotextParser.Parse(explicitDefault.Images[0].Infotext)["Eta"]);
        Assert.Equal("0.3", InfotextParser.Parse(ddim.Images[0].Infotext)["Eta DDIM"]);
    }

    [Fact]
    public async Task Churn_and_schedule_options_reach_euler_and_are_written()
    {
        var request = Small with { SamplerName = "Euler", Scheduler = "Karras" };
        var baseline = await RunAsync(request);
        var tuned = await RunAsync(request, c => c with { Sampling = new SamplerSettings { SChurn = 1.0, Rho = 5.0, AlwaysDiscardPenultimateSigma = true } });

        Assert.False(Same(baseline, tuned));
        var parsed = InfotextParser.Parse(tuned.Images[0].Infotext);
        Assert.Equal("1.0", parsed["Sigma churn"]);
        Assert.Equal("5.0", parsed["Schedule rho"]);
        Assert.Equal("True", parsed["Discard penultimate sigma"]);
        var plain = InfotextParser.Parse(baseline.Images[0].Infotext);
        Assert.Null(plain["Sigma churn"]);
        Assert.Null(plain["Schedule rho"]);
        Assert.Null(plain["Discard penultimate sigma"]);
    }

    [Fact]
    public async Task Progress_counts_every_batch_and_the_hires_pass_monotonically_to_the_total()
    {
        var request = Small with
        {
            SamplerName = "Euler",
            BatchSize = 2,
            BatchCount = 2,
            EnableHr = true,
            HrScale = 1.5,
            HrSecondPassSteps = 4,
            HrDenoisingStrength = 0.5,
        };
        var observer = await RunAsync(request);

        var total = 2 * (6 + 4);
        Assert.All(observer.Steps, s => Assert.Equal(total, s.TotalSteps));
        var steps = observer.Steps.Select(s => s.Step).ToList();
        Assert.Equal(steps.Order().ToList(), steps);
        Assert.Equal(Enumerable.Range(1, total).ToList(), steps.Distinct().ToList());
        Assert.Equal(total, steps[^1]);
        Assert.Equal([0, 2], observer.Steps.Select(s => s.ImageIndex).Distinct().ToArray());
    }

    [Fact]
    public async Task Img2img_progress_follows_a1111s_step_rule()
    {
        var txt = await RunAsync(Small with { SamplerName = "Euler" });
        var png = WebDiffusion.Core.Imaging.Png.PngEncoder.Encode(txt.Images[0].Image);
        var request = Small with { SamplerName = "Euler", Mode = GenerationMode.Img2Img, InitImages = [png], DenoisingStrength = 0.5, Steps = 10 };
        var observer = await RunAsync(request);
        var fixedSteps = await RunAsync(request, c => c with { Sampling = new SamplerSettings { Img2ImgFixSteps = true } });

        // int(0.5 × 10) + 1 = 6 steps normally; exactly 10 with img2img_fix_steps.
        Assert.Equal(6, observer.Steps[^1].TotalSteps);
        Assert.Equal(6, observer.Steps[^1].Step);
        Assert.Equal(10, fixedSteps.Steps[^1].TotalSteps);
        Assert.Equal(Enumerable.Range(1, 10), fixedSteps.Steps.Select(s => s.Step).Distinct());
    }
}

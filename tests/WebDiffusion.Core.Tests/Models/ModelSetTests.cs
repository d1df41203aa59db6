using WebDiffusion.Core.Models;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Models;

public class ModelSetTests
{
    public static TheoryData<TinyModelVariant> AllVariants() => [.. Enum.GetValues<TinyModelVariant>()];

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_variant_loads_and_each_component_runs(TinyModelVariant variant)
    {
        using var folders = new ModelTestFolders();
        var description = ModelFolderReader.Describe(folders.Write("m", variant), hashes: null);
        Assert.Null(description.Error);
        using var model = ModelSet.Open(description, ModelTestFolders.Runtime);
        Assert.Empty(model.OpenComponents);

        const int Batch = 2;
        var ids = Enumerable.Range(0, Batch * 77).Select(i => i % 77 == 0 ? 49406 : 49407 - (i % 3)).ToArray();
        var hidden = new float[Batch * 77 * model.TextEncoder.HiddenSize];
        model.TextEncoder.Encode(ids, Batch, hidden);
        Assert.Equal(["text_encoder"], model.OpenComponents);
        Assert.Equal(TinyModelWriter.TextHiddenSize, model.TextEncoder.HiddenSize);
        Assert.Contains(hidden, v => v != 0);

        var channels = model.UNet.InChannels;
        Assert.Equal(variant == TinyModelVariant.Inpainting ? 9 : 4, channels);
        Assert.True(model.UNet.SupportsDynamicBatch);
        var sample = Noise(Batch * channels * 64, 1);
        var eps = new float[Batch * 4 * 64];
        var later = new float[Batch * 4 * 64];
        var otherText = new float[Batch * 4 * 64];
        model.UNet.Predict(sample, Batch, channels, 8, 8, 600, hidden, 77, eps);
        model.UNet.Predict(sample, Batch, channels, 8, 8, 200, hidden, 77, later);
        model.UNet.Predict(sample, Batch, channels, 8, 8, 600, Noise(hidden.Length, 2), 77, otherText);
        Assert.True(MaxDiff(eps, later) > 1e-3, "timestep ignored");
        if (variant != TinyModelVariant.Analytic)
        {
            Assert.True(MaxDiff(eps, otherText) > 1e-3, "text ignored");
        }

        var image = new float[Batch * 3 * 64 * 64];
        model.VaeDecoder.Decode(Noise(Batch * 4 * 64, 3), Batch, 8, 8, image);
        Assert.All(image, v => Assert.True(float.IsFinite(v)));

        var latents = new float[Batch * 4 * 64];
        model.VaeEncoder!.Encode(image, Batch, 64, 64, latents);
        Assert.Equal(variant == TinyModelVariant.LatentParameters, model.VaeEncoder.OutputsParameters);
        Assert.Contains(latents, v => v != 0);
        Assert.Equal(4, model.OpenComponents.Count);
    }

    [Fact]
    public void Fp16_model_matches_the_fp32_computation_within_half_precision()
    {
        // Same seeds, same graph: the fp16 export differs from fp32 only by rounding weights and tensors to half.
        using var folders = new ModelTestFolders();
        using var fp32 = ModelSet.Open(ModelFolderReader.Describe(folders.Write("a", TinyModelVariant.Fp32), null), ModelTestFolders.Runtime);
        using var fp16 = ModelSet.Open(ModelFolderReader.Describe(folders.Write("b", TinyModelVariant.Fp16), null), ModelTestFolders.Runtime);
        var latents = Noise(4 * 64, 5);
        var a = new float[3 * 64 * 64];
        var b = new float[3 * 64 * 64];
        fp32.VaeDecoder.Decode(latents, 1, 8, 8, a);
        fp16.VaeDecoder.Decode(latents, 1, 8, 8, b);
        Assert.True(MaxDiff(a, b) < 0.05, "max diff " + MaxDiff(a, b));
        Assert.True(MaxDiff(a, b) > 0, "fp16 path did not round anything");
    }

    [Fact]
    public void Latent_parameters_sample_with_the_given_noise()
    {
        using var folders = new ModelTestFolders();
        using var model = ModelSet.Open(ModelFolderReader.Describe(folders.Write("m", TinyModelVariant.LatentParameters), null), ModelTestFolders.Runtime);
        var image = Noise(3 * 64 * 64, 6);
        var mean = new float[4 * 64];
        var sampled = new float[4 * 64];
        var sampledAgain = new float[4 * 64];
        var noise = Noise(4 * 64, 7);
        model.VaeEncoder!.Encode(image, 1, 64, 64, mean);
        model.VaeEncoder.Encode(image, 1, 64, 64, sampled, noise);
        model.VaeEncoder.Encode(image, 1, 64, 64, sampledAgain, noise);
        Assert.Equal(sampled, sampledAgain);
        Assert.True(MaxDiff(mean, sampled) > 1e-4);
    }

    [Fact]
    public void Bad_arguments_name_what_is_wrong()
    {
        using var folders = new ModelTestFolders();
        using var model = ModelSet.Open(ModelFolderReader.Describe(folders.Write("m", TinyModelVariant.Fp32), null), ModelTestFolders.Runtime);
        var ex = Assert.Throws<ArgumentException>(() => model.UNet.Predict(new float[9 * 64], 1, 9, 8, 8, 1, new float[77 * 32], 77, new float[4 * 64]));
        Assert.Contains("4 input channels", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.TextEncoder.Encode(new int[76], 1, new float[77 * 32]));
        Assert.Throws<ArgumentException>(() => model.VaeEncoder!.Encode(new float[3 * 60 * 64], 1, 60, 64, new float[4 * 64]));
    }

    [Fact]
    public void Cancelled_token_stops_a_run()
    {
        using var folders = new ModelTestFolders();
        using var model = ModelSet.Open(ModelFolderReader.Describe(folders.Write("m", TinyModelVariant.Fp32), null), ModelTestFolders.Runtime);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => model.VaeDecoder.Decode(new float[4 * 64], 1, 8, 8, new float[3 * 64 * 64], cts.Token));
    }

    [Fact]
    public void Dispose_closes_every_session_and_later_use_is_refused()
    {
        using var folders = new ModelTestFolders();
        var model = ModelSet.Open(ModelFolderReader.Describe(folders.Write("m", TinyModelVariant.Fp32), null), ModelTestFolders.Runtime);
        model.OpenAll();
        Assert.Equal(4, model.OpenComponents.Count);
        model.Dispose();
        Assert.Empty(model.OpenComponents);
        Assert.Throws<ObjectDisposedException>(() => model.VaeDecoder.Decode(new float[4 * 64], 1, 8, 8, new float[3 * 64 * 64]));
    }

    [Fact]
    public void Loading_model_after_model_returns_memory()
    {
        using var folders = new ModelTestFolders();
        var description = ModelFolderReader.Describe(folders.Write("m", TinyModelVariant.Fp32), null);
        void LoadRunDispose()
        {
            using var model = ModelSet.Open(description, ModelTestFolders.Runtime);
            var hidden = new float[77 * 32];
            model.TextEncoder.Encode(Enumerable.Repeat(49407, 77).ToArray(), 1, hidden);
            model.UNet.Predict(new float[4 * 64], 1, 4, 8, 8, 10, hidden, 77, new float[4 * 64]);
            model.VaeDecoder.Decode(new float[4 * 64], 1, 8, 8, new float[3 * 64 * 64]);
        }

        for (var i = 0; i < 3; i++)
        {
            LoadRunDispose();
        }

        var before = CurrentRss();
        for (var i = 0; i < 20; i++)
        {
            LoadRunDispose();
        }

        GC.Collect();
        var growth = CurrentRss() - before;
        // 20 loads of a model whose sessions take ~20 MB each: a leak would add hundreds of MB.
        Assert.True(growth < 100L << 20, $"RSS grew by {growth >> 20} MB over 20 load/dispose cycles");
    }

    internal static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    private static float MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => MathF.Abs(x - y)).Max();

    private static long CurrentRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Environment.WorkingSet;
    }
}

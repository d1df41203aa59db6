using WebDiffusion.ModelKit.Tests.Infrastructure;
using WebDiffusion.Onnx;

namespace WebDiffusion.ModelKit.Tests;

public class TinyModelRunTests
{
    private const int Batch = 2;

    public static TheoryData<TinyModelVariant> NetworkVariants() =>
        [.. Enum.GetValues<TinyModelVariant>().Where(v => v != TinyModelVariant.Analytic)];

    [Theory]
    [MemberData(nameof(NetworkVariants))]
    public void Every_component_runs_with_the_expected_shapes(TinyModelVariant variant)
    {
        using var model = new TempModel(variant, tokenizer: false);
        var runtime = TestEnvironment.Runtime;
        var floatType = variant == TinyModelVariant.Fp16 ? TensorElementType.Float16 : TensorElementType.Float;

        using (var text = runtime.CreateSession(model.Component("text_encoder")))
        {
            var ids = Enumerable.Range(0, Batch * 77).Select(i => i % 77 == 0 ? 49406 : i % 77 < 5 ? 320 + i : 49407).ToArray();
            var hidden = SessionRunner.Run(text, "last_hidden_state", ("input_ids", ids, [Batch, 77]));
            Assert.Equal([Batch, 77, TinyModelWriter.TextHiddenSize], hidden.Shape);
            Assert.Equal(floatType, hidden.Type);
            Assert.All(hidden.Values, v => Assert.True(float.IsFinite(v)));
            var pooled = SessionRunner.Run(text, "pooler_output", ("input_ids", ids, [Batch, 77]));
            Assert.Equal([Batch, TinyModelWriter.TextHiddenSize], pooled.Shape);
        }

        using (var decoder = runtime.CreateSession(model.Component("vae_decoder")))
        {
            var image = SessionRunner.Run(decoder, "sample", ("latent_sample", Noise(Batch * 4 * 8 * 6, 1), [Batch, 4, 8, 6]));
            Assert.Equal([Batch, 3, 64, 48], image.Shape);
            Assert.Equal(floatType, image.Type);
        }

        using (var encoder = runtime.CreateSession(model.Component("vae_encoder")))
        {
            var output = variant == TinyModelVariant.LatentParameters ? "latent_parameters" : "latent_sample";
            var latent = SessionRunner.Run(encoder, output, ("sample", Noise(Batch * 3 * 64 * 48, 2), [Batch, 3, 64, 48]));
            Assert.Equal([Batch, variant == TinyModelVariant.LatentParameters ? 8 : 4, 8, 6], latent.Shape);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkVariants))]
    public void Unet_output_depends_on_timestep_and_text(TinyModelVariant variant)
    {
        using var model = new TempModel(variant, tokenizer: false);
        using var unet = TestEnvironment.Runtime.CreateSession(model.Component("unet"));
        var channels = variant == TinyModelVariant.Inpainting ? 9 : 4;
        var sample = Noise(Batch * channels * 8 * 8, 3);
        var text = Noise(Batch * 77 * TinyModelWriter.TextHiddenSize, 4);
        var otherText = Noise(Batch * 77 * TinyModelWriter.TextHiddenSize, 5);

        var baseline = Predict(unet, variant, sample, channels, 500, text, 77);
        var laterStep = Predict(unet, variant, sample, channels, 100, text, 77);
        var otherPrompt = Predict(unet, variant, sample, channels, 500, otherText, 77);
        var repeated = Predict(unet, variant, sample, channels, 500, text, 77);

        Assert.Equal([Batch, 4, 8, 8], baseline.Shape);
        Assert.Equal(baseline.Values, repeated.Values);
        Assert.True(MaxDifference(baseline.Values, laterStep.Values) > 1e-3, "timestep is ignored");
        Assert.True(MaxDifference(baseline.Values, otherPrompt.Values) > 1e-3, "text is ignored");
    }

    [Fact]
    public void Unet_accepts_longer_prompts_in_multiples_of_77_tokens()
    {
        using var model = new TempModel(TinyModelVariant.Fp32, tokenizer: false);
        using var unet = TestEnvironment.Runtime.CreateSession(model.Component("unet"));
        var text = Noise(Batch * 154 * TinyModelWriter.TextHiddenSize, 6);
        var result = Predict(unet, TinyModelVariant.Fp32, Noise(Batch * 4 * 8 * 8, 7), 4, 10, text, 154);
        Assert.Equal([Batch, 4, 8, 8], result.Shape);
    }

    internal static (float[] Values, long[] Shape, TensorElementType Type) Predict(OrtSession unet, TinyModelVariant variant, float[] sample, int channels, float t, float[] text, int tokens)
    {
        var timestep = unet.FindInput("timestep")!;
        (string, Array, long[]) tInput = timestep.Rank == 0
            ? ("timestep", new[] { t }, [])
            : timestep.Shape[0] == 1 ? ("timestep", new[] { (long)t }, [1]) : ("timestep", new[] { t, t }, [Batch]);
        return SessionRunner.Run(unet, "out_sample",
            ("sample", sample, [Batch, channels, 8, 8]),
            tInput,
            ("encoder_hidden_states", text, [Batch, tokens, TinyModelWriter.TextHiddenSize]));
    }

    internal static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => MathF.Abs(x - y)).Max();
}

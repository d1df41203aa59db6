using System.Text.Json;
using WebDiffusion.ModelKit.Tests.Infrastructure;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit.Tests;

public class TinyModelLayoutTests
{
    public static TheoryData<TinyModelVariant> AllVariants() => [.. Enum.GetValues<TinyModelVariant>()];

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Every_variant_writes_the_diffusers_onnx_layout(TinyModelVariant variant)
    {
        using var model = new TempModel(variant);
        foreach (var file in new[]
        {
            "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
            "text_encoder/model.onnx", "unet/model.onnx", "vae_encoder/model.onnx", "vae_decoder/model.onnx",
        })
        {
            Assert.True(File.Exists(Path.Combine(model.Folder, file)), file + " missing");
        }

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Folder, "model_index.json")));
        Assert.Equal("OnnxRuntimeModel", index.RootElement.GetProperty("unet")[1].GetString());
        using var scheduler = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Folder, "scheduler", "scheduler_config.json")));
        var config = scheduler.RootElement;
        Assert.Equal(0.00085, config.GetProperty("beta_start").GetDouble());
        Assert.Equal(0.012, config.GetProperty("beta_end").GetDouble());
        Assert.Equal("scaled_linear", config.GetProperty("beta_schedule").GetString());
        Assert.Equal(1000, config.GetProperty("num_train_timesteps").GetInt32());
        Assert.Equal(variant == TinyModelVariant.VPrediction ? "v_prediction" : "epsilon", config.GetProperty("prediction_type").GetString());
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Signatures_use_the_real_names_dtypes_and_shapes(TinyModelVariant variant)
    {
        using var model = new TempModel(variant, tokenizer: false);
        var floatType = variant == TinyModelVariant.Fp16 ? TensorElementType.Float16 : TensorElementType.Float;

        var text = OnnxModelInspector.ReadSignature(model.Component("text_encoder"));
        var ids = Assert.Single(text.Inputs);
        Assert.Equal("input_ids", ids.Name);
        Assert.Equal(variant == TinyModelVariant.Int64Timestep ? TensorElementType.Int64 : TensorElementType.Int32, ids.ElementType);
        Assert.Equal("[batch,77]", ids.ShapeText);
        Assert.Equal(["last_hidden_state", "pooler_output"], text.Outputs.Select(o => o.Name));
        Assert.Equal("[batch,77,32]", text.Outputs[0].ShapeText);
        Assert.Equal(floatType, text.Outputs[0].ElementType);

        var unet = OnnxModelInspector.ReadSignature(model.Component("unet"));
        Assert.Equal(["sample", "timestep", "encoder_hidden_states"], unet.Inputs.Select(i => i.Name));
        Assert.Equal(variant == TinyModelVariant.Inpainting ? 9 : 4, unet.Inputs[0].FixedDim(1));
        Assert.Equal(floatType, unet.Inputs[0].ElementType);
        Assert.Equal("[batch,sequence,32]", unet.Inputs[2].ShapeText);
        var timestep = unet.Inputs[1];
        var expectedTimestep = variant switch
        {
            TinyModelVariant.Fp16 => (TensorElementType.Float16, "[batch]"),
            TinyModelVariant.Int64Timestep => (TensorElementType.Int64, "[1]"),
            TinyModelVariant.VPrediction => (TensorElementType.Float, "[]"),
            _ => (TensorElementType.Float, "[batch]"),
        };
        Assert.Equal(expectedTimestep, (timestep.ElementType, timestep.ShapeText));
        Assert.Equal("out_sample", Assert.Single(unet.Outputs).Name);
        Assert.Equal("[batch,4,height,width]", unet.Outputs[0].ShapeText);

        var encoder = OnnxModelInspector.ReadSignature(model.Component("vae_encoder"));
        Assert.Equal("sample", Assert.Single(encoder.Inputs).Name);
        var latent = Assert.Single(encoder.Outputs);
        Assert.Equal(variant == TinyModelVariant.LatentParameters ? ("latent_parameters", 8L) : ("latent_sample", 4L), (latent.Name, latent.FixedDim(1)!.Value));

        var decoder = OnnxModelInspector.ReadSignature(model.Component("vae_decoder"));
        Assert.Equal("latent_sample", Assert.Single(decoder.Inputs).Name);
        Assert.Equal("sample", Assert.Single(decoder.Outputs).Name);
        Assert.Equal(floatType, decoder.Outputs[0].ElementType);
    }

    [Theory]
    [InlineData(TinyModelVariant.Fp32, "weights.pb")]
    [InlineData(TinyModelVariant.Int64Timestep, "model.onnx_data")]
    public void Unet_weights_live_in_external_data_within_the_file(TinyModelVariant variant, string file)
    {
        using var model = new TempModel(variant, tokenizer: false);
        var unet = OnnxModelInspector.ReadSignature(model.Component("unet"));
        Assert.NotEmpty(unet.ExternalData);
        var size = new FileInfo(Path.Combine(model.Folder, "unet", file)).Length;
        Assert.All(unet.ExternalData, r =>
        {
            Assert.Equal(file, r.Location);
            Assert.True(r.Offset + r.Length <= size);
        });
    }

    [Fact]
    public void The_same_variant_writes_the_same_bytes()
    {
        using var a = new TempModel(TinyModelVariant.Fp16, tokenizer: false);
        using var b = new TempModel(TinyModelVariant.Fp16, tokenizer: false);
        Assert.Equal(File.ReadAllBytes(a.Component("unet")), File.ReadAllBytes(b.Component("unet")));
    }

    [Fact]
    public void Variant_names_round_trip_and_bad_analytic_parameters_are_refused()
    {
        foreach (var variant in Enum.GetValues<TinyModelVariant>())
        {
            Assert.True(TinyModelWriter.TryParseVariant(TinyModelWriter.VariantName(variant), out var parsed));
            Assert.Equal(variant, parsed);
        }

        Assert.False(TinyModelWriter.TryParseVariant("fp8", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => TinyModelWriter.WriteAnalyticModel(Path.GetTempPath(), new AnalyticModelParameters(0, 0)));
    }

    [Fact]
    public void Truncated_model_file_is_reported_as_truncated()
    {
        using var model = new TempModel(TinyModelVariant.Fp32, tokenizer: false);
        var path = model.Component("text_encoder");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var ex = Assert.Throws<InvalidDataException>(() => OnnxModelInspector.ReadSignature(path));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }
}

using System.Text;
using WebDiffusion.Core.Models;
using WebDiffusion.ModelKit;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Tests.Models;

public class BrokenModelTests
{
    public static TheoryData<TinyModelVariant> AllVariants() => [.. Enum.GetValues<TinyModelVariant>()];

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Missing_component_file_is_named(TinyModelVariant variant)
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", variant);
        var unet = Path.Combine(folder, "unet", "model.onnx");
        File.Delete(unet);
        var ex = Open(folder);
        Assert.Equal(unet, ex.FilePath);
        Assert.Contains("no such file", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Renamed_input_names_the_expected_input_and_what_is_there(TinyModelVariant variant)
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", variant);
        var unet = Path.Combine(folder, "unet", "model.onnx");
        ReplaceBytes(unet, "timestep", "timestek");
        var ex = Open(folder);
        Assert.Equal(unet, ex.FilePath);
        Assert.Equal("timestep", ex.InputName);
        Assert.Contains("'timestek'", ex.Found, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Wrong_channel_count_is_reported_with_expected_and_found(TinyModelVariant variant)
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", variant);
        var decoder = Path.Combine(folder, "vae_decoder", "model.onnx");
        var g = new OnnxGraphBuilder("bad_decoder");
        g.Input("latent_sample", TensorElementType.Float, "batch", 16, "h", "w");
        g.Node("Identity", ["latent_sample"], ["sample"]);
        g.Output("sample", TensorElementType.Float, "batch", 16, "h", "w");
        g.Save(decoder);
        var ex = Open(folder);
        Assert.Equal(decoder, ex.FilePath);
        Assert.Equal("latent_sample", ex.InputName);
        Assert.Equal("4 latent channels", ex.Expected);
        Assert.Equal("16 channels", ex.Found);
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Truncated_weights_are_reported(TinyModelVariant variant)
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", variant);
        var external = Directory.GetFiles(Path.Combine(folder, "unet")).FirstOrDefault(f => !f.EndsWith("model.onnx", StringComparison.Ordinal));
        var target = external ?? Path.Combine(folder, "text_encoder", "model.onnx");
        using (var stream = new FileStream(target, FileMode.Open))
        {
            stream.SetLength(stream.Length * 2 / 3);
        }

        var ex = Open(folder);
        Assert.Equal(target, ex.FilePath);
        Assert.Contains(external is null ? "truncated" : "bytes of weights", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unet_with_five_channels_is_refused()
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", TinyModelVariant.Fp32);
        var unet = Path.Combine(folder, "unet", "model.onnx");
        File.Delete(Path.Combine(folder, "unet", "weights.pb"));
        var g = new OnnxGraphBuilder("bad_unet");
        g.Input("sample", TensorElementType.Float, "batch", 5, "h", "w");
        g.Input("timestep", TensorElementType.Int64, 1);
        g.Input("encoder_hidden_states", TensorElementType.Float, "batch", 77, 32);
        g.Node("Identity", ["sample"], ["out_sample"]);
        g.Output("out_sample", TensorElementType.Float, "batch", 5, "h", "w");
        g.Save(unet);
        var ex = Open(folder);
        Assert.Equal(("sample", "5 channels"), (ex.InputName, ex.Found));
    }

    private static ModelLoadException Open(string folder)
    {
        var description = ModelFolderReader.Describe(folder, null);
        Assert.NotNull(description.Error);
        var ex = Assert.Throws<ModelLoadException>(() => ModelSet.Open(description, ModelTestFolders.Runtime));
        Assert.Equal(description.Error, ex.Message);
        return ex;
    }

    private static void ReplaceBytes(string path, string from, string to)
    {
        var bytes = File.ReadAllBytes(path);
        var pattern = Encoding.UTF8.GetBytes(from);
        var replacement = Encoding.UTF8.GetBytes(to);
        var count = 0;
        for (var i = bytes.AsSpan().IndexOf(pattern); i >= 0;)
        {
            replacement.CopyTo(bytes, i);
            count++;
            var next = bytes.AsSpan(i + 1).IndexOf(pattern);
            i = next < 0 ? -1 : i + 1 + next;
        }

        Assert.True(count > 0);
        File.WriteAllBytes(path, bytes);
    }
}

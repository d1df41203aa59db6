using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit;

/// <summary>
/// A small convolutional VAE with a spatial factor f of 2, 4 or 8 (SD's 8 by default): the encoder's three convolutions
/// halve the size log2(f) times, the decoder upsamples ×2 then ×f/2. The weights do not depend on f.
/// </summary>
internal static class TinyVaeGraphs
{
    private const int Channels = 8;

    public static void WriteDecoder(string path, bool half, int seed, int factor = 8)
    {
        var g = new TinyGraph("vae_decoder", half, seed);
        var z = g.FloatInput("latent_sample", "batch", 4, "latent_height", "latent_width");
        var h = g.Silu(g.Conv(z, "conv_in", 4, Channels, 1));
        h = g.Silu(g.Conv(Upsample(g, h, 2), "up1", Channels, Channels, 3));
        var image = g.Conv(factor > 2 ? Upsample(g, h, factor / 2) : h, "conv_out", Channels, 3, 3);
        g.FloatOutput(image, "sample", "batch", 3, "height", "width");
        g.Builder.Save(path);
    }

    public static void WriteEncoder(string path, bool half, bool latentParameters, int seed, int factor = 8)
    {
        var g = new TinyGraph("vae_encoder", half, seed);
        var x = g.FloatInput("sample", "batch", 3, "height", "width");
        var h = g.Silu(g.Conv(x, "down1", 3, Channels, 3, stride: 2));
        h = g.Silu(g.Conv(h, "down2", Channels, Channels, 3, stride: factor >= 4 ? 2 : 1));
        var outChannels = latentParameters ? 8 : 4;
        var latent = g.Conv(h, "down3", Channels, outChannels, 3, stride: factor >= 8 ? 2 : 1);
        var name = latentParameters ? "latent_parameters" : "latent_sample";
        g.FloatOutput(latent, name, "batch", outChannels, "latent_height", "latent_width");
        g.Builder.Save(path);
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor (Resize with scales).</summary>
    internal static string Upsample(TinyGraph g, string x, int factor) =>
        g.Op("Resize", [x, string.Empty, g.Floats([1f, 1f, factor, factor], 4)], OnnxAttribute.String("mode", "nearest"));
}

using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit;

/// <summary>Writes the analytic model's linear VAE (see <see cref="LinearVae"/>).</summary>
internal static class LinearVaeGraphs
{
    public static void WriteDecoder(string path)
    {
        var g = new TinyGraph("linear_vae_decoder", half: false, seed: 0);
        var z = g.FloatInput("latent_sample", "batch", 4, "latent_height", "latent_width");
        var w = g.Weight("decoder.weight", LinearVae.DecoderWeights(), 4, 3, LinearVae.Factor, LinearVae.Factor);
        var image = g.Op("ConvTranspose", [z, w],
            OnnxAttribute.Ints("kernel_shape", LinearVae.Factor, LinearVae.Factor),
            OnnxAttribute.Ints("strides", LinearVae.Factor, LinearVae.Factor));
        g.FloatOutput(image, "sample", "batch", 3, "height", "width");
        g.Builder.Save(path);
    }

    public static void WriteEncoder(string path)
    {
        var g = new TinyGraph("linear_vae_encoder", half: false, seed: 0);
        var x = g.FloatInput("sample", "batch", 3, "height", "width");
        var w = g.Weight("encoder.weight", LinearVae.EncoderWeights(), 4, 3, LinearVae.Factor, LinearVae.Factor);
        var latent = g.Op("Conv", [x, w],
            OnnxAttribute.Ints("kernel_shape", LinearVae.Factor, LinearVae.Factor),
            OnnxAttribute.Ints("strides", LinearVae.Factor, LinearVae.Factor));
        g.FloatOutput(latent, "latent_sample", "batch", 4, "latent_height", "latent_width");
        g.Builder.Save(path);
    }
}

using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The VAE decoder: latent_sample [batch,C,h,w] (already divided by the latent scale) → sample [batch,3,f·h,f·w],
/// roughly in [−1, 1], with C and f from the model's <see cref="LatentFormat"/> (4 and 8 for SD).
/// </summary>
public sealed class VaeDecoder
{
    private readonly ComponentSession _component;
    private readonly TensorElementType _type;

    internal VaeDecoder(ComponentSession component, LatentFormat latent)
    {
        _component = component;
        _type = component.InputType("latent_sample");
        Latent = latent;
    }

    /// <summary>The latent format it decodes.</summary>
    public LatentFormat Latent { get; }

    /// <summary>Pixels per latent along each axis.</summary>
    public int Factor => Latent.ScaleFactor;

    /// <summary>Decodes <paramref name="latents"/> (batch×C×height×width) into <paramref name="image"/> (batch×3×f·height×f·width).</summary>
    public void Decode(ReadOnlySpan<float> latents, int batch, int height, int width, Span<float> image, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var (c, f) = (Latent.Channels, Factor);
        var plane = height * width;
        var pixels = plane * f * f;
        BatchChunks.CheckLength(latents.Length, (long)batch * c * plane, nameof(latents));
        BatchChunks.CheckLength(image.Length, (long)batch * 3 * pixels, nameof(image));
        var session = _component.Session;
        var chunk = BatchChunks.Size(batch, _component.FixedBatch("latent_sample"), _component.Path);
        for (var start = 0; start < batch; start += chunk)
        {
            using var input = TensorIo.FloatTensor(_type, latents.Slice(start * c * plane, chunk * c * plane), [chunk, c, height, width]);
            var outputs = session.Run([new OrtNamedTensor("latent_sample", input)], ["sample"], cancellationToken);
            try
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, "sample", [chunk, 3, height * f, width * f]);
                TensorIo.ReadFloats(outputs[0], image.Slice(start * 3 * pixels, chunk * 3 * pixels));
            }
            finally
            {
                TensorIo.DisposeAll(outputs);
            }
        }
    }
}

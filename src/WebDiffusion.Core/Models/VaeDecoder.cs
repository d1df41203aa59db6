using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>The VAE decoder: latent_sample [batch,4,h,w] (already divided by the latent scale) → sample [batch,3,8h,8w], roughly in [−1, 1].</summary>
public sealed class VaeDecoder
{
    /// <summary>Pixels per latent along each axis.</summary>
    public const int Factor = 8;

    private readonly ComponentSession _component;
    private readonly TensorElementType _type;

    internal VaeDecoder(ComponentSession component)
    {
        _component = component;
        _type = component.InputType("latent_sample");
    }

    /// <summary>Decodes <paramref name="latents"/> (batch×4×height×width) into <paramref name="image"/> (batch×3×8height×8width).</summary>
    public void Decode(ReadOnlySpan<float> latents, int batch, int height, int width, Span<float> image, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var plane = height * width;
        var pixels = plane * Factor * Factor;
        BatchChunks.CheckLength(latents.Length, (long)batch * 4 * plane, nameof(latents));
        BatchChunks.CheckLength(image.Length, (long)batch * 3 * pixels, nameof(image));
        var session = _component.Session;
        var chunk = BatchChunks.Size(batch, _component.FixedBatch("latent_sample"), _component.Path);
        for (var start = 0; start < batch; start += chunk)
        {
            using var input = TensorIo.FloatTensor(_type, latents.Slice(start * 4 * plane, chunk * 4 * plane), [chunk, 4, height, width]);
            var outputs = session.Run([new OrtNamedTensor("latent_sample", input)], ["sample"], cancellationToken);
            try
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, "sample", [chunk, 3, height * Factor, width * Factor]);
                TensorIo.ReadFloats(outputs[0], image.Slice(start * 3 * pixels, chunk * 3 * pixels));
            }
            finally
            {
                TensorIo.DisposeAll(outputs);
            }
        }
    }
}

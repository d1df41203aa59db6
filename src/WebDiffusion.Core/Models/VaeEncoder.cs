using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The VAE encoder: sample [batch,3,H,W] in [−1, 1] → 4-channel latents [batch,4,H/8,W/8] (not yet multiplied by the
/// latent scale). An export that outputs <c>latent_parameters</c> (mean, log-variance) gives the mean, or
/// mean + exp(logvar/2)·noise when noise is passed (log-variance clamped to [−30, 20] as diffusers does).
/// </summary>
public sealed class VaeEncoder
{
    private readonly ComponentSession _component;
    private readonly TensorElementType _type;
    private readonly string _outputName;

    internal VaeEncoder(ComponentSession component)
    {
        _component = component;
        _type = component.InputType("sample");
        OutputsParameters = component.Signature.FindOutput("latent_sample") is null;
        _outputName = OutputsParameters ? "latent_parameters" : "latent_sample";
    }

    /// <summary>True when the export outputs mean and log-variance (8 channels) rather than a sample.</summary>
    public bool OutputsParameters { get; }

    /// <summary>
    /// Encodes <paramref name="image"/> (batch×3×height×width, sizes multiples of 8) into <paramref name="latents"/>
    /// (batch×4×height/8×width/8). <paramref name="noise"/> (empty, or as long as latents) samples the distribution
    /// when the model outputs its parameters.
    /// </summary>
    public void Encode(ReadOnlySpan<float> image, int batch, int height, int width, Span<float> latents, ReadOnlySpan<float> noise = default, CancellationToken cancellationToken = default)
    {
        if (height % VaeDecoder.Factor != 0 || width % VaeDecoder.Factor != 0 || height < 8 || width < 8)
        {
            throw new ArgumentException($"Image sizes must be positive multiples of 8, got {width}×{height}.", nameof(height));
        }

        var pixels = height * width;
        var plane = pixels / (VaeDecoder.Factor * VaeDecoder.Factor);
        BatchChunks.CheckLength(image.Length, (long)batch * 3 * pixels, nameof(image));
        BatchChunks.CheckLength(latents.Length, (long)batch * 4 * plane, nameof(latents));
        if (!noise.IsEmpty)
        {
            BatchChunks.CheckLength(noise.Length, latents.Length, nameof(noise));
        }

        var session = _component.Session;
        var chunk = BatchChunks.Size(batch, _component.FixedBatch("sample"), _component.Path);
        var channels = OutputsParameters ? 8 : 4;
        var buffer = OutputsParameters ? new float[chunk * 8 * plane] : null;
        for (var start = 0; start < batch; start += chunk)
        {
            using var input = TensorIo.FloatTensor(_type, image.Slice(start * 3 * pixels, chunk * 3 * pixels), [chunk, 3, height, width]);
            var outputs = session.Run([new OrtNamedTensor("sample", input)], [_outputName], cancellationToken);
            try
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, _outputName, [chunk, channels, height / 8, width / 8]);
                var target = latents.Slice(start * 4 * plane, chunk * 4 * plane);
                if (buffer is null)
                {
                    TensorIo.ReadFloats(outputs[0], target);
                }
                else
                {
                    TensorIo.ReadFloats(outputs[0], buffer);
                    Reparameterize(buffer, chunk, plane, target, noise.IsEmpty ? default : noise.Slice(start * 4 * plane, chunk * 4 * plane));
                }
            }
            finally
            {
                TensorIo.DisposeAll(outputs);
            }
        }
    }

    private static void Reparameterize(ReadOnlySpan<float> parameters, int batch, int plane, Span<float> latents, ReadOnlySpan<float> noise)
    {
        for (var b = 0; b < batch; b++)
        {
            var mean = parameters.Slice(b * 8 * plane, 4 * plane);
            var logVar = parameters.Slice((b * 8 * plane) + (4 * plane), 4 * plane);
            var target = latents.Slice(b * 4 * plane, 4 * plane);
            if (noise.IsEmpty)
            {
                mean.CopyTo(target);
                continue;
            }

            var eps = noise.Slice(b * 4 * plane, 4 * plane);
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = mean[i] + (MathF.Exp(0.5f * Math.Clamp(logVar[i], -30f, 20f)) * eps[i]);
            }
        }
    }
}

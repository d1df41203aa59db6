using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The VAE encoder: sample [batch,3,H,W] in [−1, 1] → latents [batch,C,H/f,W/f] (not yet multiplied by the latent
/// scale), with C and f from the model's <see cref="LatentFormat"/> (4 and 8 for SD). An export that outputs <c>latent_parameters</c> (mean, log-variance) gives the mean, or
/// mean + exp(logvar/2)·noise when noise is passed (log-variance clamped to [−30, 20] as diffusers does).
/// </summary>
public sealed class VaeEncoder
{
    private readonly ComponentSession _component;
    private readonly TensorElementType _type;
    private readonly string _outputName;

    internal VaeEncoder(ComponentSession component, LatentFormat latent)
    {
        _component = component;
        Latent = latent;
        _type = component.InputType("sample");
        OutputsParameters = component.Signature.FindOutput("latent_sample") is null;
        _outputName = OutputsParameters ? "latent_parameters" : "latent_sample";
    }

    /// <summary>The latent format it encodes to.</summary>
    public LatentFormat Latent { get; }

    /// <summary>True when the export outputs mean and log-variance (2·C channels) rather than a sample.</summary>
    public bool OutputsParameters { get; }

    /// <summary>
    /// Encodes <paramref name="image"/> (batch×3×height×width, sizes multiples of the factor f) into <paramref name="latents"/>
    /// (batch×C×height/f×width/f). <paramref name="noise"/> (empty, or as long as latents) samples the distribution
    /// when the model outputs its parameters.
    /// </summary>
    public void Encode(ReadOnlySpan<float> image, int batch, int height, int width, Span<float> latents, ReadOnlySpan<float> noise = default, CancellationToken cancellationToken = default)
    {
        var (c, f) = (Latent.Channels, Latent.ScaleFactor);
        if (height % f != 0 || width % f != 0 || height < f || width < f)
        {
            throw new ArgumentException($"Image sizes must be positive multiples of {f}, got {width}×{height}.", nameof(height));
        }

        var pixels = height * width;
        var plane = pixels / (f * f);
        BatchChunks.CheckLength(image.Length, (long)batch * 3 * pixels, nameof(image));
        BatchChunks.CheckLength(latents.Length, (long)batch * c * plane, nameof(latents));
        if (!noise.IsEmpty)
        {
            BatchChunks.CheckLength(noise.Length, latents.Length, nameof(noise));
        }

        var session = _component.Session;
        var chunk = BatchChunks.Size(batch, _component.FixedBatch("sample"), _component.Path);
        var channels = OutputsParameters ? 2 * c : c;
        var buffer = OutputsParameters ? new float[chunk * 2 * c * plane] : null;
        for (var start = 0; start < batch; start += chunk)
        {
            using var input = TensorIo.FloatTensor(_type, image.Slice(start * 3 * pixels, chunk * 3 * pixels), [chunk, 3, height, width]);
            var outputs = session.Run([new OrtNamedTensor("sample", input)], [_outputName], cancellationToken);
            try
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, _outputName, [chunk, channels, height / f, width / f]);
                var target = latents.Slice(start * c * plane, chunk * c * plane);
                if (buffer is null)
                {
                    TensorIo.ReadFloats(outputs[0], target);
                }
                else
                {
                    TensorIo.ReadFloats(outputs[0], buffer);
                    Reparameterize(buffer, chunk, c * plane, target, noise.IsEmpty ? default : noise.Slice(start * c * plane, chunk * c * plane));
                }
            }
            finally
            {
                TensorIo.DisposeAll(outputs);
            }
        }
    }

    /// <summary>Per image: <paramref name="per"/> means then <paramref name="per"/> log-variances → one latent of <paramref name="per"/> values.</summary>
    private static void Reparameterize(ReadOnlySpan<float> parameters, int batch, int per, Span<float> latents, ReadOnlySpan<float> noise)
    {
        for (var b = 0; b < batch; b++)
        {
            var mean = parameters.Slice(b * 2 * per, per);
            var logVar = parameters.Slice((b * 2 * per) + per, per);
            var target = latents.Slice(b * per, per);
            if (noise.IsEmpty)
            {
                mean.CopyTo(target);
                continue;
            }

            var eps = noise.Slice(b * per, per);
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = mean[i] + (MathF.Exp(0.5f * Math.Clamp(logVar[i], -30f, 20f)) * eps[i]);
            }
        }
    }
}

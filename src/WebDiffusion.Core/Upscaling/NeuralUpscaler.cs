using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Pickle;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// An ESRGAN-family model file (<c>.pth</c> read by the safe reader, or <c>.safetensors</c>) compiled to ONNX and opened
/// as an ORT session, run tile by tile (<see cref="UpscalerTiling"/>) so memory is bounded by one tile's activations
/// plus the output. Images go in as A1111 feeds them: BGR, [0, 1]; outputs are clamped and rounded to bytes.
/// </summary>
public sealed class NeuralUpscaler : IDisposable
{
    private readonly OrtSession _session;
    private readonly Lock _gate = new();

    private NeuralUpscaler(OrtSession session, UpscalerArchitecture architecture, string path)
    {
        _session = session;
        Architecture = architecture;
        FilePath = path;
    }

    /// <summary>What the file holds.</summary>
    public UpscalerArchitecture Architecture { get; }

    /// <summary>The model file.</summary>
    public string FilePath { get; }

    /// <summary>The scale factor.</summary>
    public int Scale => Architecture.Scale;

    /// <summary>Opens a model file as its tensors (safetensors by extension, PyTorch zip otherwise).</summary>
    /// <exception cref="CheckpointFormatException">The file is malformed or refused.</exception>
    public static ICheckpointTensors OpenTensors(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafetensorsFile.Open(path) : TorchCheckpointFile.Open(path);

    /// <summary>Reads, detects, compiles and opens <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is malformed, refused or not a supported upscaler.</exception>
    public static NeuralUpscaler Open(OrtRuntime runtime, string path, OrtSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        using var tensors = OpenTensors(path);
        var architecture = UpscalerDetector.Detect(tensors);
        var graph = UpscalerCompiler.Compile(tensors, architecture);
        return new NeuralUpscaler(graph.Open(runtime, options), architecture, tensors.FilePath);
    }

    /// <summary>Upscales planar float [C, height, width] (the model's channel order) to [C, height·scale, width·scale], unclamped.</summary>
    public float[] UpscalePlanar(ReadOnlySpan<float> planar, int height, int width, UpscalerTiling tiling, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiling);
        var c = Architecture.InChannels;
        var oc = Architecture.OutChannels;
        if (planar.Length != c * height * width)
        {
            throw new ArgumentException($"{planar.Length} values are not {c}×{height}×{width}.", nameof(planar));
        }

        var s = Scale;
        var (oh, ow) = (height * s, width * s);
        var tile = tiling.TileFor(height, width);
        if (tile == 0)
        {
            return Run(planar.ToArray(), height, width, cancellationToken);
        }

        var sum = new float[(long)oc * oh * ow];
        var rows = tiling.Starts(height, tile);
        var cols = tiling.Starts(width, tile);
        var coverRows = Coverage(rows, s, tile * s, oh);
        var coverCols = Coverage(cols, s, tile * s, ow);
        var input = new float[c * tile * tile];
        foreach (var y0 in rows)
        {
            foreach (var x0 in cols)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var ch = 0; ch < c; ch++)
                {
                    for (var y = 0; y < tile; y++)
                    {
                        planar.Slice((((ch * height) + y0 + y) * width) + x0, tile).CopyTo(input.AsSpan(((ch * tile) + y) * tile, tile));
                    }
                }

                var output = Run(input, tile, tile, cancellationToken);
                var ot = tile * s;
                for (var ch = 0; ch < oc; ch++)
                {
                    for (var y = 0; y < ot; y++)
                    {
                        var source = output.AsSpan(((ch * ot) + y) * ot, ot);
                        var target = sum.AsSpan((int)((((long)ch * oh) + (y0 * s) + y) * ow) + (x0 * s), ot);
                        for (var x = 0; x < ot; x++)
                        {
                            target[x] += source[x];
                        }
                    }
                }
            }
        }

        for (var ch = 0; ch < oc; ch++)
        {
            for (var y = 0; y < oh; y++)
            {
                var row = sum.AsSpan((int)(((long)ch * oh + y) * ow), ow);
                for (var x = 0; x < ow; x++)
                {
                    row[x] /= coverRows[y] * coverCols[x];
                }
            }
        }

        return sum;
    }

    /// <summary>Upscales an image ×<see cref="Scale"/> as A1111 does (RGB → BGR [0, 1] → model → clamp, ×255, round); alpha becomes opaque.</summary>
    public RgbaImage Upscale(RgbaImage image, UpscalerTiling tiling, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = (image.Width, image.Height);
        var plane = w * h;
        var planar = new float[3 * plane];
        var pixels = image.Pixels;
        for (var i = 0; i < plane; i++)
        {
            planar[i] = pixels[(i * 4) + 2] / 255f;
            planar[plane + i] = pixels[(i * 4) + 1] / 255f;
            planar[(2 * plane) + i] = pixels[i * 4] / 255f;
        }

        var result = UpscalePlanar(planar, h, w, tiling, cancellationToken);
        var (ow, oh) = (w * Scale, h * Scale);
        var outPlane = ow * oh;
        var output = new RgbaImage(ow, oh);
        var target = output.Pixels;
        for (var i = 0; i < outPlane; i++)
        {
            target[i * 4] = ToByte(result[(2 * outPlane) + i]);
            target[(i * 4) + 1] = ToByte(result[outPlane + i]);
            target[(i * 4) + 2] = ToByte(result[i]);
            target[(i * 4) + 3] = 255;
        }

        return output;
    }

    /// <summary>Closes the session.</summary>
    public void Dispose() => _session.Dispose();

    private static byte ToByte(float v) => (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);

    /// <summary>How many tiles cover each output pixel along one axis (tiles start at <paramref name="starts"/>·scale).</summary>
    private static float[] Coverage(IReadOnlyList<int> starts, int scale, int outTile, int length)
    {
        var cover = new float[length];
        foreach (var start in starts)
        {
            for (var i = start * scale; i < (start * scale) + outTile; i++)
            {
                cover[i]++;
            }
        }

        return cover;
    }

    private float[] Run(float[] input, int height, int width, CancellationToken cancellationToken)
    {
        using var tensor = OrtTensor.Create(input, [1, Architecture.InChannels, height, width]);
        lock (_gate)
        {
            var outputs = _session.Run([new OrtNamedTensor("image", tensor)], cancellationToken);
            try
            {
                return outputs[0].ToArray<float>();
            }
            finally
            {
                foreach (var output in outputs)
                {
                    output.Dispose();
                }
            }
        }
    }
}

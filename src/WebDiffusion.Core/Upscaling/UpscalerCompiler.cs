using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// Compiles an ESRGAN-family model into an ONNX graph <c>image</c> [batch, C, height, width] → <c>upscaled</c>
/// [batch, C, height·scale, width·scale] (values in [0, 1], not clamped), following BasicSR's <c>RRDBNet</c> and
/// Real-ESRGAN's <c>SRVGGNetCompact</c>: pixel-unshuffle in torch's channel order, nearest 2× upsampling
/// (Resize asymmetric/floor), PixelShuffle as DepthToSpace CRD, LeakyReLU 0.2 in RRDBNet.
/// </summary>
public static class UpscalerCompiler
{
    private const float RrdbSlope = 0.2f;
    private const float ResidualScale = 0.2f;
    private const float SrvggLeakySlope = 0.1f;

    /// <summary>The graph of <paramref name="tensors"/> as <paramref name="architecture"/> describes it.</summary>
    /// <exception cref="CheckpointTensorMissingException">A key the network needs is missing.</exception>
    public static CompiledGraph Compile(ICheckpointTensors tensors, UpscalerArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(architecture);
        var g = new CheckpointGraphBuilder("upscaler", tensors, architecture.KeyPrefix);
        var x = g.Graph.Input("image", TensorElementType.Float, "batch", architecture.InChannels, "height", "width");
        var y = architecture.Family switch
        {
            UpscalerFamily.RrdbNet => RrdbNew(g, x, architecture),
            UpscalerFamily.RrdbNetOld => RrdbOld(g, x, architecture),
            _ => Srvgg(g, x, architecture),
        };
        g.Graph.Node("Identity", [y], ["upscaled"]);
        g.Graph.Output("upscaled", TensorElementType.Float, "batch", architecture.OutChannels, "upscaled_height", "upscaled_width");
        return g.Build();
    }

    private static string RrdbNew(CheckpointGraphBuilder g, string x, UpscalerArchitecture a)
    {
        var input = a.Scale switch
        {
            1 => PixelUnshuffle(g, x, 4, a.InChannels),
            2 => PixelUnshuffle(g, x, 2, a.InChannels),
            _ => x,
        };
        var feat = g.Conv2d(input, "conv_first");
        var h = feat;
        for (var b = 0; b < a.Blocks; b++)
        {
            h = Rrdb(g, h, k => $"body.{b}.rdb{k}.conv{{0}}");
        }

        feat = g.Op("Add", feat, g.Conv2d(h, "conv_body"));
        var ups = a.Scale == 8 ? 3 : 2;
        for (var u = 1; u <= ups; u++)
        {
            feat = LeakyRelu(g, g.Conv2d(g.UpsampleNearest2x(feat), $"conv_up{u}"), RrdbSlope);
        }

        return g.Conv2d(LeakyRelu(g, g.Conv2d(feat, "conv_hr"), RrdbSlope), "conv_last");
    }

    private static string RrdbOld(CheckpointGraphBuilder g, string x, UpscalerArchitecture a)
    {
        var feat = g.Conv2d(x, "model.0");
        var h = feat;
        for (var b = 0; b < a.Blocks; b++)
        {
            h = Rrdb(g, h, k => $"model.1.sub.{b}.RDB{k}.conv{{0}}.0");
        }

        feat = g.Op("Add", feat, g.Conv2d(h, $"model.1.sub.{a.Blocks}"));
        var ups = (int)Math.Log2(a.Scale);
        for (var u = 1; u <= ups; u++)
        {
            feat = LeakyRelu(g, g.Conv2d(g.UpsampleNearest2x(feat), $"model.{3 * u}"), RrdbSlope);
        }

        var hr = 3 * ups + 2;
        return g.Conv2d(LeakyRelu(g, g.Conv2d(feat, $"model.{hr}"), RrdbSlope), $"model.{hr + 2}");
    }

    /// <summary>RRDB: three residual dense blocks, then <c>out·0.2 + x</c>; <paramref name="convKey"/>(k) is a format with {0} = conv index.</summary>
    private static string Rrdb(CheckpointGraphBuilder g, string x, Func<int, string> convKey)
    {
        var h = x;
        for (var k = 1; k <= 3; k++)
        {
            h = DenseBlock(g, h, convKey(k));
        }

        return g.Op("Add", g.Op("Mul", h, g.Scalar(ResidualScale)), x);
    }

    private static string DenseBlock(CheckpointGraphBuilder g, string x, string convFormat)
    {
        var features = new List<string> { x };
        for (var j = 1; j <= 4; j++)
        {
            var input = features.Count == 1 ? x : g.Op("Concat", [.. features], OnnxAttribute.Int("axis", 1));
            features.Add(LeakyRelu(g, g.Conv2d(input, string.Format(System.Globalization.CultureInfo.InvariantCulture, convFormat, j)), RrdbSlope));
        }

        var x5 = g.Conv2d(g.Op("Concat", [.. features], OnnxAttribute.Int("axis", 1)), string.Format(System.Globalization.CultureInfo.InvariantCulture, convFormat, 5));
        return g.Op("Add", g.Op("Mul", x5, g.Scalar(ResidualScale)), x);
    }

    private static string Srvgg(CheckpointGraphBuilder g, string x, UpscalerArchitecture a)
    {
        var h = x;
        var last = 2 * (a.Blocks + 1);
        for (var i = 0; i < last; i += 2)
        {
            h = g.Conv2d(h, $"body.{i}");
            h = a.Activation switch
            {
                SrvggActivation.PRelu => g.Op("PRelu", h, g.Op("Reshape", g.FloatWeight($"body.{i + 1}.weight"), g.Int64s(-1, 1, 1))),
                SrvggActivation.LeakyRelu => LeakyRelu(g, h, SrvggLeakySlope),
                _ => g.Op("Relu", h),
            };
        }

        h = g.Conv2d(h, $"body.{last}");
        var shuffled = g.Op("DepthToSpace", [h], OnnxAttribute.Int("blocksize", a.Scale), OnnxAttribute.String("mode", "CRD"));
        var s = (float)a.Scale;
        var baseImage = g.Op("Resize", [x, string.Empty, g.Floats([1f, 1f, s, s], 4)],
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));
        return g.Op("Add", shuffled, baseImage);
    }

    /// <summary>torch <c>pixel_unshuffle</c>: [b, c, h·s, w·s] → [b, c·s², h, w] with channel c·s² + i·s + j (SpaceToDepth orders blocks first, so its channels are regrouped).</summary>
    private static string PixelUnshuffle(CheckpointGraphBuilder g, string x, int s, int channels)
    {
        var blocks = g.Op("SpaceToDepth", [x], OnnxAttribute.Int("blocksize", s));
        var split = g.Op("Reshape", blocks, g.Int64s(0, s * s, channels, -1));
        var regrouped = g.Op("Transpose", [split], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        return g.Op("Reshape", regrouped, g.Op("Shape", blocks));
    }

    private static string LeakyRelu(CheckpointGraphBuilder g, string x, float slope) =>
        g.Op("LeakyRelu", [x], OnnxAttribute.Float("alpha", slope));
}

using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// The building blocks of ldm's <c>AutoencoderKL</c> (<c>ldm/modules/diffusionmodules/model.py</c>) over a
/// <see cref="CheckpointGraphBuilder"/>: ResnetBlock, single-head AttnBlock, Downsample and Upsample, with the keys the
/// original modules give their parameters.
/// </summary>
internal static class VaeLayers
{
    /// <summary>ldm's <c>Normalize</c>: GroupNorm with 32 groups and ε 1e-6.</summary>
    public const int NormGroups = 32;

    /// <summary>The ε of every VAE GroupNorm.</summary>
    public const float NormEpsilon = 1e-6f;

    /// <summary>GroupNorm then swish, the pre-activation every ResnetBlock and the output head use.</summary>
    public static string NormSwish(CheckpointGraphBuilder g, string x, string key) =>
        g.Silu(g.GroupNorm(x, key, NormGroups, NormEpsilon));

    /// <summary>
    /// <c>ResnetBlock</c> without a time embedding: conv2(swish(norm2(conv1(swish(norm1(x)))))) added to x, or to a 1×1
    /// <c>nin_shortcut</c> (3×3 <c>conv_shortcut</c> where a checkpoint has that instead) when the channel count changes (conv1's kernel is [out, in, 3, 3]).
    /// </summary>
    public static string ResnetBlock(CheckpointGraphBuilder g, string x, string key)
    {
        var h = Conv(g, NormSwish(g, x, key + ".norm1"), key + ".conv1");
        h = Conv(g, NormSwish(g, h, key + ".norm2"), key + ".conv2");
        var conv1 = g.Shape(key + ".conv1.weight");
        var skip = conv1[0] == conv1[1] ? x
            : g.Has(key + ".conv_shortcut.weight") ? Conv(g, x, key + ".conv_shortcut")
            : Conv(g, x, key + ".nin_shortcut");
        return g.Op("Add", skip, h);
    }

    /// <summary>
    /// <c>AttnBlock</c>: one attention head over the h·w positions with 1×1 convolutions q, k, v and proj_out, scaled by
    /// 1/√channels, added to x.
    /// </summary>
    public static string AttnBlock(CheckpointGraphBuilder g, string x, string key, int channels)
    {
        var h = g.GroupNorm(x, key + ".norm", NormGroups, NormEpsilon);
        var q = Positions(g, Conv(g, h, key + ".q"));
        var k = Positions(g, Conv(g, h, key + ".k"));
        var v = Positions(g, Conv(g, h, key + ".v"));
        var attended = g.Attention(q, k, v, 1, channels);
        var planes = g.Op("Reshape", g.Op("Transpose", [attended], OnnxAttribute.Ints("perm", 0, 2, 1)), g.Op("Shape", x));
        return g.Op("Add", x, Conv(g, planes, key + ".proj_out"));
    }

    /// <summary><c>Downsample</c> with a convolution: zero pad one row at the bottom and one column at the right, 3×3 conv stride 2, no padding.</summary>
    public static string Downsample(CheckpointGraphBuilder g, string x, string key)
    {
        var padded = g.Op("Pad", x, g.Int64s(0, 0, 0, 0, 0, 0, 1, 1));
        return Conv(g, padded, key + ".conv", stride: 2, padding: 0);
    }

    /// <summary><c>Upsample</c> with a convolution: nearest-neighbour 2×, then a 3×3 conv.</summary>
    public static string Upsample(CheckpointGraphBuilder g, string x, string key) =>
        Conv(g, g.UpsampleNearest2x(x), key + ".conv");

    /// <summary>
    /// A convolution whose bias must be in the checkpoint (every ldm VAE conv has one; the builder's Conv2d would otherwise
    /// leave a missing bias out silently).
    /// </summary>
    /// <exception cref="CheckpointTensorMissingException">The kernel or the bias is not in the file.</exception>
    public static string Conv(CheckpointGraphBuilder g, string x, string key, int stride = 1, int padding = -1)
    {
        g.FloatWeight(key + ".bias");
        return g.Conv2d(x, key, stride, padding);
    }

    /// <summary>[b, c, h, w] → [b, h·w, c].</summary>
    private static string Positions(CheckpointGraphBuilder g, string x) =>
        g.Op("Transpose", [g.Op("Reshape", x, g.Int64s(0, 0, -1))], OnnxAttribute.Ints("perm", 0, 2, 1));
}

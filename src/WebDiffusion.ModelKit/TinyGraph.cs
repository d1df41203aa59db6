using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit;

/// <summary>
/// A graph under construction with a storage precision: float inputs, outputs and weights are float16 or
/// float32 at the boundary, while the arithmetic inside is float32 (fp16 values are cast on entry and exit).
/// Random weights come from a seeded generator, so the same variant always writes the same bytes.
/// </summary>
internal sealed class TinyGraph
{
    private readonly Random _random;

    public TinyGraph(string name, bool half, int seed)
    {
        Builder = new OnnxGraphBuilder(name);
        Half = half;
        _random = new Random(seed);
    }

    public OnnxGraphBuilder Builder { get; }

    public bool Half { get; }

    public TensorElementType FloatType => Half ? TensorElementType.Float16 : TensorElementType.Float;

    /// <summary>Declares a float input in the storage precision and returns a float32 value of it.</summary>
    public string FloatInput(string name, params OnnxDim[] shape)
    {
        Builder.Input(name, FloatType, shape);
        return Half ? Cast(name, TensorElementType.Float) : name;
    }

    /// <summary>Exposes the float32 <paramref name="value"/> as the graph output <paramref name="name"/> in the storage precision.</summary>
    public void FloatOutput(string value, string name, params OnnxDim[] shape)
    {
        if (Half)
        {
            Builder.Node("Cast", [value], [name], OnnxAttribute.Int("to", (long)TensorElementType.Float16));
        }
        else
        {
            Builder.Node("Identity", [value], [name]);
        }

        Builder.Output(name, FloatType, shape);
    }

    /// <summary>A weight stored in the storage precision; returns a float32 value of it.</summary>
    public string Weight(string name, float[] values, params long[] shape)
    {
        if (!Half)
        {
            return Builder.Initializer(name, OnnxTensorData.FromFloats(values, shape));
        }

        Builder.Initializer(name, OnnxTensorData.FromFloatsAsHalf(values, shape));
        return Cast(name, TensorElementType.Float);
    }

    /// <summary>A weight of normal random values with standard deviation <paramref name="scale"/>.</summary>
    public string RandomWeight(string name, float scale, params long[] shape)
    {
        var count = shape.Aggregate(1L, (a, d) => a * d);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(NextGaussian() * scale);
        }

        return Weight(name, values, shape);
    }

    /// <summary>A weight filled with one value.</summary>
    public string FilledWeight(string name, float value, params long[] shape)
    {
        var count = shape.Aggregate(1L, (a, d) => a * d);
        return Weight(name, Enumerable.Repeat(value, (int)count).ToArray(), shape);
    }

    /// <summary>A float32 constant (not converted to the storage precision).</summary>
    public string Floats(float[] values, params long[] shape) => Builder.Constant(OnnxTensorData.FromFloats(values, shape), "f");

    /// <summary>An int64 constant of shape [n].</summary>
    public string Int64s(params long[] values) => Builder.Constant(OnnxTensorData.FromInt64s(values, values.Length), "i");

    public string Op(string type, params string[] inputs) => Builder.Op(type, inputs);

    public string Op(string type, string[] inputs, params OnnxAttribute[] attributes) => Builder.Op(type, inputs, attributes);

    public string Cast(string value, TensorElementType to) => Builder.Op("Cast", [value], OnnxAttribute.Int("to", (long)to));

    public string Silu(string x) => Op("Mul", x, Op("Sigmoid", x));

    /// <summary>A 2-D convolution with random weights (He-style scale) and zero bias.</summary>
    public string Conv(string x, string prefix, int inChannels, int outChannels, int kernel, int stride = 1)
    {
        var w = RandomWeight(prefix + ".weight", 1f / MathF.Sqrt(inChannels * kernel * kernel), outChannels, inChannels, kernel, kernel);
        var b = RandomWeight(prefix + ".bias", 0.05f, outChannels);
        var pad = kernel / 2;
        return Op("Conv", [x, w, b],
            OnnxAttribute.Ints("kernel_shape", kernel, kernel),
            OnnxAttribute.Ints("pads", pad, pad, pad, pad),
            OnnxAttribute.Ints("strides", stride, stride));
    }

    /// <summary>A dense layer x·W + b over the last axis, random weights.</summary>
    public string Linear(string x, string prefix, int inFeatures, int outFeatures, bool bias = true)
    {
        var w = RandomWeight(prefix + ".weight", 1f / MathF.Sqrt(inFeatures), inFeatures, outFeatures);
        var y = Op("MatMul", x, w);
        return bias ? Op("Add", y, RandomWeight(prefix + ".bias", 0.05f, outFeatures)) : y;
    }

    /// <summary>
    /// Group normalization of [b, C, h, w] as torch exports it: reshape to [b, groups, −1], InstanceNormalization,
    /// reshape back, then a per-channel scale and shift.
    /// </summary>
    public string GroupNorm(string x, string prefix, int channels, int groups)
    {
        var grouped = Op("Reshape", x, Int64s(0, groups, -1));
        var normed = Op("InstanceNormalization", [grouped, Floats(Enumerable.Repeat(1f, groups).ToArray(), groups), Floats(new float[groups], groups)],
            OnnxAttribute.Float("epsilon", 1e-5f));
        var back = Op("Reshape", normed, Op("Shape", x));
        var gamma = RandomAround(prefix + ".weight", 1f, 0.1f, channels, 1, 1);
        var beta = RandomWeight(prefix + ".bias", 0.05f, channels, 1, 1);
        return Op("Add", Op("Mul", back, gamma), beta);
    }

    /// <summary>LayerNormalization over the last axis with random scale around 1 and small bias.</summary>
    public string LayerNorm(string x, string prefix, int features) =>
        Op("LayerNormalization", [x, RandomAround(prefix + ".weight", 1f, 0.1f, features), RandomWeight(prefix + ".bias", 0.05f, features)],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", 1e-5f));

    private string RandomAround(string name, float center, float scale, params long[] shape)
    {
        var count = shape.Aggregate(1L, (a, d) => a * d);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = center + (float)(NextGaussian() * scale);
        }

        return Weight(name, values, shape);
    }

    private double NextGaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

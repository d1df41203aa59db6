using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// Builds an ONNX graph whose weights are tensors of a checkpoint, with the layers the SD networks are made of (linear,
/// 2-D convolution, group and layer norm, activations, multi-head attention) written as plain ONNX operators. Weights are
/// external data pointing into the checkpoint file (<see cref="OnnxGraphBuilder.ExternalInitializer"/>), in the type the
/// file stores them; arithmetic is float32, so fp16/bf16 weights pass through a Cast that ORT folds once at load.
/// </summary>
public sealed class CheckpointGraphBuilder
{
    private readonly Dictionary<string, string> _weights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _floatWeights = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inputWeights = new(StringComparer.Ordinal);
    private readonly Func<string, bool>? _weightInputs;

    /// <summary>A graph named <paramref name="name"/> over <paramref name="tensors"/>; keys passed to the layer methods are relative to <paramref name="keyPrefix"/>.</summary>
    /// <param name="name">The graph's name.</param>
    /// <param name="tensors">The checkpoint.</param>
    /// <param name="keyPrefix">Prefix added to every key.</param>
    /// <param name="opset">ONNX opset.</param>
    /// <param name="weightInputs">
    /// Which float weights (full keys) become float32 graph inputs of their fixed shape instead of initializers, so a
    /// session can be given other values of them on every run (LoRA) without a rebuild; null: none.
    /// </param>
    public CheckpointGraphBuilder(string name, ICheckpointTensors tensors, string keyPrefix, int opset = 17, Func<string, bool>? weightInputs = null)
    {
        _weightInputs = weightInputs;
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        Name = name;
        Tensors = tensors;
        KeyPrefix = keyPrefix;
        Graph = new OnnxGraphBuilder(name, opset);
        WeightsFile = RealPath.Of(tensors.FilePath);
    }

    /// <summary>The checkpoint file with symbolic links resolved: external data names it by its real name and folder.</summary>
    public string WeightsFile { get; }

    /// <summary>The graph's name.</summary>
    public string Name { get; }

    /// <summary>The checkpoint the weights come from.</summary>
    public ICheckpointTensors Tensors { get; }

    /// <summary>Prefix added to every key (e.g. <c>model.diffusion_model.</c>).</summary>
    public string KeyPrefix { get; }

    /// <summary>The underlying ONNX graph builder (inputs, outputs, raw nodes).</summary>
    public OnnxGraphBuilder Graph { get; }

    /// <summary>Whether the checkpoint has the tensor <paramref name="key"/> (relative to the prefix).</summary>
    public bool Has(string key) => Tensors.TryGet(KeyPrefix + key, out _);

    /// <summary>The shape of the tensor <paramref name="key"/>.</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    public IReadOnlyList<long> Shape(string key) => Tensors.Get(KeyPrefix + key).Shape;

    /// <summary>Declares the checkpoint tensor <paramref name="key"/> as a graph weight in its stored type (once per key) and returns its name.</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    /// <exception cref="CheckpointDTypeException">The tensor's type has no ONNX equivalent used here.</exception>
    public string Weight(string key)
    {
        var full = KeyPrefix + key;
        if (_weights.TryGetValue(full, out var existing))
        {
            return existing;
        }

        var info = Tensors.Get(full);
        var type = info.DType switch
        {
            TensorDType.F32 => TensorElementType.Float,
            TensorDType.F16 => TensorElementType.Float16,
            TensorDType.BF16 => TensorElementType.BFloat16,
            TensorDType.I64 => TensorElementType.Int64,
            _ => throw new CheckpointDTypeException(Tensors.FilePath, full, $"dtype {info.DTypeName} is not a weight type the compiler reads (F32, F16, BF16, I64)."),
        };
        Graph.ExternalInitializer(full, type, info.Shape, Path.GetFileName(WeightsFile), Tensors.GetFileOffset(full), info.ByteLength);
        _weights.Add(full, full);
        return full;
    }

    /// <summary>The full keys of the weights declared as graph inputs (see the constructor's <c>weightInputs</c>).</summary>
    public IReadOnlyCollection<string> InputWeights => _inputWeights;

    /// <summary>
    /// A weight as a float32 value (through a Cast when the file stores another float type), or a float32 graph input
    /// named by its full key when the constructor's <c>weightInputs</c> selects it.
    /// </summary>
    public string FloatWeight(string key)
    {
        var full = KeyPrefix + key;
        if (_floatWeights.TryGetValue(full, out var existing))
        {
            return existing;
        }

        if (_weightInputs is not null && _weightInputs(full))
        {
            var info = Tensors.Get(full);
            if (info.DType is TensorDType.F32 or TensorDType.F16 or TensorDType.BF16)
            {
                Graph.Input(full, TensorElementType.Float, [.. info.Shape.Select(d => (OnnxDim)d)]);
                _inputWeights.Add(full);
                _floatWeights.Add(full, full);
                return full;
            }
        }

        var name = Weight(key);
        var value = Tensors.Get(full).DType == TensorDType.F32 ? name : Cast(name, TensorElementType.Float);
        _floatWeights.Add(full, value);
        return value;
    }

    /// <summary>A node with one output.</summary>
    public string Op(string type, params string[] inputs) => Graph.Op(type, inputs);

    /// <summary>A node with one output and attributes.</summary>
    public string Op(string type, string[] inputs, params OnnxAttribute[] attributes) => Graph.Op(type, inputs, attributes);

    /// <summary>An int64 constant of shape [n].</summary>
    public string Int64s(params long[] values) => Graph.Constant(OnnxTensorData.FromInt64s(values, values.Length), "i64");

    /// <summary>A float32 constant.</summary>
    public string Floats(float[] values, params long[] shape) => Graph.Constant(OnnxTensorData.FromFloats(values, shape), "f32");

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(float value) => Graph.Scalar(value);

    /// <summary>A cast of <paramref name="x"/> to <paramref name="to"/>.</summary>
    public string Cast(string x, TensorElementType to) => Op("Cast", [x], OnnxAttribute.Int("to", (long)to));

    /// <summary>
    /// torch <c>nn.Linear</c> over the last axis: <c>x · Wᵀ + b</c> with W [out, in] at <c>{key}.weight</c> and the bias at
    /// <c>{key}.bias</c> when the checkpoint has one.
    /// </summary>
    public string Linear(string x, string key)
    {
        var weight = FloatWeight(key + ".weight");
        var y = _inputWeights.Contains(weight)
            ? Graph.OpInDomain("com.microsoft", 1, "FusedMatMul", [x, weight], OnnxAttribute.Int("transB", 1), OnnxAttribute.Float("alpha", 1f))
            : Op("MatMul", x, Op("Transpose", [weight], OnnxAttribute.Ints("perm", 1, 0)));
        return Has(key + ".bias") ? Op("Add", y, FloatWeight(key + ".bias")) : y;
    }

    /// <summary>
    /// torch <c>nn.Conv2d</c> with the kernel at <c>{key}.weight</c> [out, in, kh, kw] and the bias at <c>{key}.bias</c> when
    /// present; <paramref name="padding"/> −1 pads by half the kernel (same size at stride 1).
    /// </summary>
    public string Conv2d(string x, string key, int stride = 1, int padding = -1)
    {
        var shape = Shape(key + ".weight");
        if (shape.Count != 4)
        {
            throw new CheckpointFormatException(Tensors.FilePath, KeyPrefix + key + ".weight", $"a convolution kernel needs 4 dimensions, found {shape.Count}.");
        }

        var (kh, kw) = (shape[2], shape[3]);
        var (ph, pw) = padding < 0 ? (kh / 2, kw / 2) : (padding, padding);
        string[] inputs = Has(key + ".bias") ? [x, FloatWeight(key + ".weight"), FloatWeight(key + ".bias")] : [x, FloatWeight(key + ".weight")];
        return Op("Conv", inputs,
            OnnxAttribute.Ints("kernel_shape", kh, kw),
            OnnxAttribute.Ints("pads", ph, pw, ph, pw),
            OnnxAttribute.Ints("strides", stride, stride));
    }

    /// <summary>
    /// torch <c>nn.GroupNorm</c> of [b, C, ...] with affine weight and bias at <c>{key}.weight</c>/<c>{key}.bias</c>: reshape to
    /// [b, groups, −1], InstanceNormalization, reshape back, per-channel scale and shift.
    /// </summary>
    public string GroupNorm(string x, string key, int groups, float epsilon, int rank = 4)
    {
        var ones = Floats(Enumerable.Repeat(1f, groups).ToArray(), groups);
        var zeros = Floats(new float[groups], groups);
        var grouped = Op("Reshape", x, Int64s(0, groups, -1));
        var normed = Op("InstanceNormalization", [grouped, ones, zeros], OnnxAttribute.Float("epsilon", epsilon));
        var back = Op("Reshape", normed, Op("Shape", x));
        var channelShape = rank == 4 ? Int64s(-1, 1, 1) : Int64s(-1, 1);
        var scale = Op("Reshape", FloatWeight(key + ".weight"), channelShape);
        var shift = Op("Reshape", FloatWeight(key + ".bias"), channelShape);
        return Op("Add", Op("Mul", back, scale), shift);
    }

    /// <summary>torch <c>nn.LayerNorm</c> over the last axis with weight and bias at <c>{key}.weight</c>/<c>{key}.bias</c>.</summary>
    public string LayerNorm(string x, string key, float epsilon) =>
        Op("LayerNormalization", [x, FloatWeight(key + ".weight"), FloatWeight(key + ".bias")],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon));

    /// <summary>Nearest-neighbour 2× upsampling of [b, c, h, w] (torch <c>F.interpolate(scale_factor=2, mode="nearest")</c>).</summary>
    public string UpsampleNearest2x(string x) =>
        Op("Resize", [x, string.Empty, Floats([1f, 1f, 2f, 2f], 4)],
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));

    /// <summary>SiLU: x · sigmoid(x).</summary>
    public string Silu(string x) => Op("Mul", x, Op("Sigmoid", x));

    /// <summary>Exact GELU: 0.5 · x · (1 + erf(x / √2)).</summary>
    public string Gelu(string x)
    {
        var erf = Op("Erf", Op("Div", x, Scalar(MathF.Sqrt(2f))));
        return Op("Mul", Op("Mul", x, Scalar(0.5f)), Op("Add", erf, Scalar(1f)));
    }

    /// <summary>OpenAI CLIP's quick GELU: x · sigmoid(1.702 · x).</summary>
    public string QuickGelu(string x) => Op("Mul", x, Op("Sigmoid", Op("Mul", x, Scalar(1.702f))));

    /// <summary>
    /// Scaled dot-product attention with <paramref name="heads"/> heads over already projected q [b, n, c], k and v [b, m, c]:
    /// softmax(q·kᵀ / √(c/heads)) · v, heads merged back to [b, n, c].
    /// </summary>
    public string Attention(string q, string k, string v, int heads, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (channels % heads != 0)
        {
            throw new ArgumentException($"{channels} channels do not split into {heads} heads.", nameof(heads));
        }

        var split = Int64s(0, 0, heads, channels / heads);
        var qh = Op("Transpose", [Op("Reshape", q, split)], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        var kt = Op("Transpose", [Op("Reshape", k, split)], OnnxAttribute.Ints("perm", 0, 2, 3, 1));
        var vh = Op("Transpose", [Op("Reshape", v, split)], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        var scores = Op("Mul", Op("MatMul", qh, kt), Scalar(1f / MathF.Sqrt(channels / heads)));
        var weights = Op("Softmax", [scores], OnnxAttribute.Int("axis", -1));
        var merged = Op("Transpose", [Op("MatMul", weights, vh)], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        return Op("Reshape", merged, Int64s(0, 0, channels));
    }

    /// <summary>The graph as built so far, with its weight bindings.</summary>
    public CompiledGraph Build() => new(Name, Graph.ToBytes(), WeightsFile);
}

using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// Compiles the CLIP text transformer of a checkpoint (SD 1.x transformers layout or SD 2.x OpenCLIP layout, see
/// <see cref="ClipTextLayout"/>) into an ONNX graph. The graph takes the token embeddings (<see cref="ClipTokenEmbeddings"/>
/// fills them, textual inversion replaces rows) and adds the position embeddings itself; pre-norm layers with a causal
/// mask as transformers' <c>CLIPTextTransformer</c> and OpenCLIP's text tower compute them. It returns the final layer
/// norm of the last layer and of every earlier layer, so clip skip is a pick of one slice:
/// <list type="bullet">
/// <item><see cref="InputName"/> float [batch, positions, width].</item>
/// <item><see cref="LastHiddenStateName"/> float [batch, positions, width] = final_layer_norm(last layer) (A1111 clip skip 1).</item>
/// <item><see cref="ClipSkipStatesName"/> float [layers, batch, positions, width], index n − 1 = final_layer_norm(hidden_states[−n])
/// (A1111 clip skip n, <c>sd_hijack_clip.encode_with_transformers</c>); SD 2.x (the penultimate layer) is index 1.</item>
/// <item>optionally <see cref="HiddenStatesName"/> float [layers + 1, batch, positions, width]: transformers' <c>hidden_states</c>
/// (the embeddings, then every layer's output, without the final layer norm).</item>
/// </list>
/// </summary>
public static class ClipTextEncoderCompiler
{
    /// <summary>The graph input: token embeddings [batch, positions, width], without the position embeddings.</summary>
    public const string InputName = "inputs_embeds";

    /// <summary>The output after the last layer and the final layer norm.</summary>
    public const string LastHiddenStateName = "last_hidden_state";

    /// <summary>The output holding the final layer norm of each layer's output, last layer first.</summary>
    public const string ClipSkipStatesName = "clip_skip_states";

    /// <summary>The optional output with the raw hidden states (embeddings first), for checking against transformers.</summary>
    public const string HiddenStatesName = "hidden_states";

    /// <summary>Compiles the text encoder whose keys start with <paramref name="keyPrefix"/> (its layout detected from the keys).</summary>
    /// <param name="tensors">The checkpoint.</param>
    /// <param name="hp">The text encoder's hyper-parameters (<see cref="ArchitectureDetector"/>).</param>
    /// <param name="keyPrefix">E.g. <see cref="ClipTextLayout.Sd1KeyPrefix"/> or <see cref="ClipTextLayout.Sd2KeyPrefix"/>.</param>
    /// <param name="includeHiddenStates">Adds the <see cref="HiddenStatesName"/> output.</param>
    /// <param name="weightInputs">Which weights (full keys) become float32 graph inputs (LoRA, see <see cref="LoraTargets"/>); null: none.</param>
    /// <exception cref="CheckpointTensorMissingException">A tensor the graph needs is not in the checkpoint.</exception>
    /// <exception cref="CheckpointFormatException">A tensor's shape disagrees with <paramref name="hp"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="hp"/> is inconsistent (width not divisible by heads, no layers).</exception>
    public static CompiledGraph Compile(ICheckpointTensors tensors, ClipTextHyperParameters hp, string keyPrefix, bool includeHiddenStates = false, Func<string, bool>? weightInputs = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        Validate(hp);
        var layout = ClipTextLayout.Detect(tensors, keyPrefix);
        var g = new CheckpointGraphBuilder("text_encoder", tensors, keyPrefix, weightInputs: weightInputs);
        var positions = hp.MaxPositions;
        var width = hp.Width;
        ExpectShape(g, layout.PositionEmbedding, positions, width);

        g.Graph.Input(InputName, TensorElementType.Float, "batch", positions, width);
        var x = g.Op("Add", InputName, g.FloatWeight(layout.PositionEmbedding));
        var mask = CausalMask(g, positions);
        var states = new List<string> { x };
        for (var layer = 0; layer < hp.Layers; layer++)
        {
            x = EncoderLayer(g, layout, layout.Layer(layer), x, mask, hp);
            states.Add(x);
        }

        var normed = new List<string>(hp.Layers);
        for (var n = 1; n <= hp.Layers; n++)
        {
            normed.Add(g.LayerNorm(states[^n], layout.FinalLayerNorm, hp.LayerNormEpsilon));
        }

        g.Graph.Node("Identity", [normed[0]], [LastHiddenStateName]);
        g.Graph.Output(LastHiddenStateName, TensorElementType.Float, "batch", positions, width);
        g.Graph.Node("Concat", [.. normed.Select(s => Unsqueeze0(g, s))], [ClipSkipStatesName], OnnxAttribute.Int("axis", 0));
        g.Graph.Output(ClipSkipStatesName, TensorElementType.Float, hp.Layers, "batch", positions, width);
        if (includeHiddenStates)
        {
            g.Graph.Node("Concat", [.. states.Select(s => Unsqueeze0(g, s))], [HiddenStatesName], OnnxAttribute.Int("axis", 0));
            g.Graph.Output(HiddenStatesName, TensorElementType.Float, hp.Layers + 1, "batch", positions, width);
        }

        return g.Build();
    }

    private static void Validate(ClipTextHyperParameters hp)
    {
        if (hp.Layers <= 0 || hp.Width <= 0 || hp.Heads <= 0 || hp.MaxPositions <= 0 || hp.MlpWidth <= 0)
        {
            throw new ArgumentException($"The text encoder needs positive sizes (layers {hp.Layers}, width {hp.Width}, heads {hp.Heads}, positions {hp.MaxPositions}, MLP {hp.MlpWidth}).", nameof(hp));
        }

        if (hp.Width % hp.Heads != 0)
        {
            throw new ArgumentException($"Width {hp.Width} does not split into {hp.Heads} heads.", nameof(hp));
        }
    }

    private static void ExpectShape(CheckpointGraphBuilder g, string key, params long[] expected)
    {
        var shape = g.Shape(key);
        if (!shape.SequenceEqual(expected))
        {
            throw new CheckpointFormatException(g.Tensors.FilePath, g.KeyPrefix + key,
                $"expected shape [{string.Join(", ", expected)}] from the text encoder's hyper-parameters, found [{string.Join(", ", shape)}].");
        }
    }

    /// <summary>[positions, positions]: 0 where a position may attend (itself and earlier), float.MinValue after it (transformers' causal mask).</summary>
    private static string CausalMask(CheckpointGraphBuilder g, int positions)
    {
        var mask = new float[positions * positions];
        for (var row = 0; row < positions; row++)
        {
            mask.AsSpan((row * positions) + row + 1, positions - row - 1).Fill(float.MinValue);
        }

        return g.Floats(mask, positions, positions);
    }

    private static string EncoderLayer(CheckpointGraphBuilder g, ClipTextLayout layout, string layer, string x, string mask, ClipTextHyperParameters hp)
    {
        var h = g.LayerNorm(x, layer + layout.AttentionNorm, hp.LayerNormEpsilon);
        var (q, k, v) = Projections(g, layout, layer, h, hp.Width);
        var attention = MaskedAttention(g, q, k, v, mask, hp.Heads, hp.Width);
        x = g.Op("Add", x, g.Linear(attention, layer + layout.OutProjection));

        h = g.LayerNorm(x, layer + layout.MlpNorm, hp.LayerNormEpsilon);
        h = g.Linear(h, layer + layout.MlpIn);
        h = hp.QuickGelu ? g.QuickGelu(h) : g.Gelu(h);
        return g.Op("Add", x, g.Linear(h, layer + layout.MlpOut));
    }

    /// <summary>q, k and v: three linears (transformers) or the three row blocks of the stacked in_proj (OpenCLIP, as torch's MultiheadAttention splits it).</summary>
    private static (string Q, string K, string V) Projections(CheckpointGraphBuilder g, ClipTextLayout layout, string layer, string h, int width)
    {
        if (!layout.IsOpenClip)
        {
            return (g.Linear(h, layer + "self_attn.q_proj"), g.Linear(h, layer + "self_attn.k_proj"), g.Linear(h, layer + "self_attn.v_proj"));
        }

        var weightKey = layer + "attn.in_proj_weight";
        var biasKey = layer + "attn.in_proj_bias";
        ExpectShape(g, weightKey, 3L * width, width);
        var weight = g.FloatWeight(weightKey);
        var bias = g.Has(biasKey) ? g.FloatWeight(biasKey) : null;
        string Block(int index)
        {
            var starts = g.Int64s(index * (long)width);
            var ends = g.Int64s((index + 1) * (long)width);
            var axis = g.Int64s(0);
            var w = g.Op("Transpose", [g.Op("Slice", weight, starts, ends, axis)], OnnxAttribute.Ints("perm", 1, 0));
            var y = g.Op("MatMul", h, w);
            return bias is null ? y : g.Op("Add", y, g.Op("Slice", bias, starts, ends, axis));
        }

        return (Block(0), Block(1), Block(2));
    }

    /// <summary>
    /// Multi-head attention of [b, n, c] with an additive mask [n, n]: q scaled by 1/√(c/heads) before q·kᵀ (as both CLIP
    /// implementations do), mask added, softmax, · v, heads merged.
    /// </summary>
    private static string MaskedAttention(CheckpointGraphBuilder g, string q, string k, string v, string mask, int heads, int channels)
    {
        var headChannels = channels / heads;
        var split = g.Int64s(0, 0, heads, headChannels);
        var scaled = g.Op("Mul", q, g.Scalar(1f / MathF.Sqrt(headChannels)));
        var qh = g.Op("Transpose", [g.Op("Reshape", scaled, split)], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        var kt = g.Op("Transpose", [g.Op("Reshape", k, split)], OnnxAttribute.Ints("perm", 0, 2, 3, 1));
        var vh = g.Op("Transpose", [g.Op("Reshape", v, split)], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        var scores = g.Op("Add", g.Op("MatMul", qh, kt), mask);
        var weights = g.Op("Softmax", [scores], OnnxAttribute.Int("axis", -1));
        var merged = g.Op("Transpose", [g.Op("MatMul", weights, vh)], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
        return g.Op("Reshape", merged, g.Int64s(0, 0, channels));
    }

    private static string Unsqueeze0(CheckpointGraphBuilder g, string x) => g.Op("Unsqueeze", x, g.Int64s(0));
}

using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>
/// What a <c>text_encoder/model.onnx</c> export offers beyond <c>input_ids</c> → <c>last_hidden_state</c>, read from
/// its input and output names. Diffusers' ONNX script exports only <c>last_hidden_state</c> and <c>pooler_output</c>;
/// Optimum can add per-layer <c>hidden_states.N</c> outputs. A1111's clip skip takes <c>hidden_states[-n]</c> and then
/// applies CLIP's final layer norm, whose weights an export does not expose as an output, and textual inversion needs
/// an <c>inputs_embeds</c> input; so both are refused for exports before a job is queued, with the reason. A text encoder
/// compiled from a checkpoint (<see cref="Compiled"/>) takes token embeddings and outputs every layer after the final layer
/// norm, so both work there.
/// </summary>
/// <param name="HiddenStateOutputs">Outputs named <c>hidden_states.N</c> (or <c>hidden_states</c>).</param>
/// <param name="TakesInputsEmbeds">True when the export has an <c>inputs_embeds</c> input.</param>
public sealed record TextEncoderFeatures(int HiddenStateOutputs, bool TakesInputsEmbeds)
{
    /// <summary>An encoder known only by its required input and output (ids → last_hidden_state).</summary>
    public static TextEncoderFeatures IdsOnly { get; } = new(0, false);

    /// <summary>A text encoder compiled from a checkpoint: clip skip and textual inversion both work.</summary>
    public static TextEncoderFeatures Compiled { get; } = new(0, true) { IsCompiled = true };

    /// <summary>True for a text encoder compiled from a checkpoint (<see cref="Compiled"/>).</summary>
    public bool IsCompiled { get; init; }

    /// <summary>True when clip skip above 1 can be applied (compiled text encoders; see <see cref="ClipSkipRefusal"/> for exports).</summary>
    public bool SupportsClipSkip => IsCompiled;

    /// <summary>True when textual-inversion vectors can be inserted (compiled text encoders; see <see cref="EmbeddingRefusal"/> for exports).</summary>
    public bool SupportsEmbeddings => IsCompiled;

    /// <summary>Why clip skip cannot be applied with this export.</summary>
    public string ClipSkipRefusal => HiddenStateOutputs == 0
        ? "this model's text_encoder/model.onnx export has no hidden-state outputs (only last_hidden_state), so the earlier CLIP layers that clip skip uses cannot be read"
        : "this model's text_encoder/model.onnx export has hidden-state outputs, but applying CLIP's final layer norm to them (as A1111 does) is not implemented for ONNX exports";

    /// <summary>Why textual-inversion embeddings cannot be used with this export.</summary>
    public string EmbeddingRefusal => TakesInputsEmbeds
        ? "inserting textual-inversion vectors through the text encoder's inputs_embeds input is not implemented yet"
        : "this model's text_encoder/model.onnx export takes token ids only (it has no inputs_embeds input), so textual-inversion vectors cannot be inserted";

    /// <summary>Reads the features from a text encoder's signature.</summary>
    public static TextEncoderFeatures From(OnnxModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var hidden = signature.Outputs.Count(o => o.Name == "hidden_states" || o.Name.StartsWith("hidden_states.", StringComparison.Ordinal));
        return new TextEncoderFeatures(hidden, signature.FindInput("inputs_embeds") is not null);
    }
}

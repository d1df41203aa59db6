namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// Where the tensors of a CLIP text transformer sit in a checkpoint, relative to its key prefix: the Hugging Face
/// transformers layout of SD 1.x (<c>cond_stage_model.transformer.text_model.</c>) or the OpenCLIP layout of SD 2.x
/// (<c>cond_stage_model.model.</c>, q/k/v stacked in one <c>in_proj</c>).
/// </summary>
public sealed class ClipTextLayout
{
    /// <summary>The key prefix of the SD 1.x text encoder.</summary>
    public const string Sd1KeyPrefix = "cond_stage_model.transformer.text_model.";

    /// <summary>The key prefix of the SD 2.x text encoder.</summary>
    public const string Sd2KeyPrefix = "cond_stage_model.model.";

    private ClipTextLayout(bool openClip) => IsOpenClip = openClip;

    /// <summary>The transformers (OpenAI CLIP, SD 1.x) layout.</summary>
    public static ClipTextLayout Transformers { get; } = new(openClip: false);

    /// <summary>The OpenCLIP (SD 2.x) layout.</summary>
    public static ClipTextLayout OpenClip { get; } = new(openClip: true);

    /// <summary>Whether this is the OpenCLIP layout (q/k/v weights stacked in <c>attn.in_proj_weight</c>).</summary>
    public bool IsOpenClip { get; }

    /// <summary>The token embedding table [vocabulary, width].</summary>
    public string TokenEmbedding => IsOpenClip ? "token_embedding.weight" : "embeddings.token_embedding.weight";

    /// <summary>The position embedding table [positions, width].</summary>
    public string PositionEmbedding => IsOpenClip ? "positional_embedding" : "embeddings.position_embedding.weight";

    /// <summary>The layer norm after the last layer.</summary>
    public string FinalLayerNorm => IsOpenClip ? "ln_final" : "final_layer_norm";

    /// <summary>
    /// The layout of the text encoder under <paramref name="keyPrefix"/>: OpenCLIP when its stacked attention projection of
    /// layer 0 is there, else transformers (whose keys then name what is missing).
    /// </summary>
    public static ClipTextLayout Detect(ICheckpointTensors tensors, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        return tensors.Contains(keyPrefix + OpenClip.Layer(0) + "attn.in_proj_weight") ? OpenClip : Transformers;
    }

    /// <summary>
    /// The id A1111 pads a 77-token chunk with: end-of-text (49407, <c>id_pad = id_end</c>) for SD 1.x; 0 for OpenCLIP
    /// (<c>sd_hijack_open_clip</c>: <c>id_pad = 0</c>, written after the first end-of-text).
    /// </summary>
    public long PadTokenId => IsOpenClip ? 0 : 49407;

    /// <summary>
    /// The index into <see cref="ClipTextEncoderCompiler.ClipSkipStatesName"/> A1111 conditions on: for SD 1.x
    /// <c>CLIP_stop_at_last_layers</c> − 1 (clip skip n takes <c>hidden_states[−n]</c>); for SD 2.x always 1, the penultimate
    /// layer of its yaml (<c>layer: penultimate</c>; A1111's OpenCLIP <c>encode_with_transformers</c> ignores the setting).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipSkip"/> is not 1 to <paramref name="layers"/>, or the model has under 2 layers for SD 2.x.</exception>
    public int ClipSkipStateIndex(int clipSkip, int layers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clipSkip, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clipSkip, layers);
        if (IsOpenClip)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(layers, 2);
            return 1;
        }

        return clipSkip - 1;
    }

    /// <summary>The key prefix of encoder layer <paramref name="index"/> (ends with a dot).</summary>
    public string Layer(int index) => IsOpenClip
        ? FormattableString.Invariant($"transformer.resblocks.{index}.")
        : FormattableString.Invariant($"encoder.layers.{index}.");

    /// <summary>The layer norm before attention in a layer.</summary>
    public string AttentionNorm => IsOpenClip ? "ln_1" : "layer_norm1";

    /// <summary>The layer norm before the MLP in a layer.</summary>
    public string MlpNorm => IsOpenClip ? "ln_2" : "layer_norm2";

    /// <summary>The attention output projection in a layer.</summary>
    public string OutProjection => IsOpenClip ? "attn.out_proj" : "self_attn.out_proj";

    /// <summary>The first MLP linear (width → MLP width).</summary>
    public string MlpIn => IsOpenClip ? "mlp.c_fc" : "mlp.fc1";

    /// <summary>The second MLP linear (MLP width → width).</summary>
    public string MlpOut => IsOpenClip ? "mlp.c_proj" : "mlp.fc2";
}

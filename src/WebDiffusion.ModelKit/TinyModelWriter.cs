namespace WebDiffusion.ModelKit;

/// <summary>
/// Writes tiny Stable-Diffusion-shaped models in the diffusers ONNX layout (model_index.json, scheduler/,
/// tokenizer/, text_encoder/, unet/, vae_encoder/, vae_decoder/) with the real tensor names, dtypes and
/// symbolic shapes, and deterministic random weights. A 64×64 image (8×8 latents) takes milliseconds per step.
/// </summary>
public static class TinyModelWriter
{
    /// <summary>Hidden size of the tiny text encoder (SD1.x uses 768).</summary>
    public const int TextHiddenSize = 32;

    /// <summary>Size of the CLIP vocabulary (ids 0 … 49407).</summary>
    public const int VocabularySize = 49408;

    /// <summary>Tokens per prompt chunk.</summary>
    public const int TokenCount = 77;

    /// <summary>
    /// Writes the model <paramref name="variant"/> into <paramref name="folder"/> (created if needed; existing files are
    /// overwritten). <paramref name="writeTokenizerFiles"/> receives the tokenizer folder and writes vocab.json and
    /// merges.txt there; when null the tokenizer folder is left out. <paramref name="vaeScaleFactor"/> (2, 4 or 8; not for
    /// the analytic model) is the VAE's spatial factor; other than SD's 8 it is recorded in vae_decoder/config.json and
    /// vae_encoder/config.json as diffusers does (<c>block_out_channels</c> of log2(f) + 1 entries).
    /// </summary>
    public static void WriteModel(string folder, TinyModelVariant variant, Action<string>? writeTokenizerFiles = null, int vaeScaleFactor = 8)
    {
        if (vaeScaleFactor is not (2 or 4 or 8) || (vaeScaleFactor != 8 && variant == TinyModelVariant.Analytic))
        {
            throw new ArgumentOutOfRangeException(nameof(vaeScaleFactor), vaeScaleFactor, "The tiny VAE's factor is 2, 4 or 8 (the analytic model's is 8).");
        }

        if (variant == TinyModelVariant.Analytic)
        {
            WriteAnalyticModel(folder, AnalyticModelParameters.Default, writeTokenizerFiles);
            return;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown tiny model variant.");
        }

        var half = variant == TinyModelVariant.Fp16;
        Directory.CreateDirectory(folder);
        WriteCommon(folder, variant, writeTokenizerFiles, int64Ids: variant == TinyModelVariant.Int64Timestep, half);

        var unet = variant switch
        {
            TinyModelVariant.Fp16 => new TinyUNetOptions(true, 4, TimestepKind.Float16Batch, null),
            TinyModelVariant.Int64Timestep => new TinyUNetOptions(false, 4, TimestepKind.Int64One, "model.onnx_data"),
            TinyModelVariant.Inpainting => new TinyUNetOptions(false, 9, TimestepKind.FloatBatch, null),
            TinyModelVariant.VPrediction => new TinyUNetOptions(false, 4, TimestepKind.FloatScalar, null),
            TinyModelVariant.LatentParameters => new TinyUNetOptions(false, 4, TimestepKind.FloatBatch, null),
            _ => new TinyUNetOptions(false, 4, TimestepKind.FloatBatch, "weights.pb"),
        };
        TinyUNetGraph.Write(ComponentPath(folder, "unet"), unet, seed: 2);
        TinyVaeGraphs.WriteDecoder(ComponentPath(folder, "vae_decoder"), half, seed: 3, vaeScaleFactor);
        TinyVaeGraphs.WriteEncoder(ComponentPath(folder, "vae_encoder"), half, variant == TinyModelVariant.LatentParameters, seed: 4, vaeScaleFactor);
        if (vaeScaleFactor != 8)
        {
            DiffusersConfigFiles.WriteVaeConfigs(folder, vaeScaleFactor);
        }
    }

    /// <summary>
    /// Writes the analytic model (see <see cref="TinyModelVariant.Analytic"/>) for data ~ N(mean, std²) per latent
    /// element; the parameters are also recorded in <c>analytic.json</c> and in the unet's metadata.
    /// </summary>
    public static void WriteAnalyticModel(string folder, AnalyticModelParameters parameters, Action<string>? writeTokenizerFiles = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(parameters.StdDev > 0) || !float.IsFinite(parameters.Mean) || !float.IsFinite(parameters.StdDev))
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), parameters, "The analytic model needs a finite mean and a standard deviation > 0.");
        }

        Directory.CreateDirectory(folder);
        WriteCommon(folder, TinyModelVariant.Analytic, writeTokenizerFiles, int64Ids: false, half: false);
        DiffusersConfigFiles.WriteAnalytic(folder, parameters);
        AnalyticUNetGraph.Write(ComponentPath(folder, "unet"), parameters);
        LinearVaeGraphs.WriteDecoder(ComponentPath(folder, "vae_decoder"));
        LinearVaeGraphs.WriteEncoder(ComponentPath(folder, "vae_encoder"));
    }

    /// <summary>The command-line name of a variant: fp32, fp16, int64-timestep, latent-parameters, inpainting, v-prediction, analytic.</summary>
    public static string VariantName(TinyModelVariant variant) => variant switch
    {
        TinyModelVariant.Fp32 => "fp32",
        TinyModelVariant.Fp16 => "fp16",
        TinyModelVariant.Int64Timestep => "int64-timestep",
        TinyModelVariant.LatentParameters => "latent-parameters",
        TinyModelVariant.Inpainting => "inpainting",
        TinyModelVariant.VPrediction => "v-prediction",
        TinyModelVariant.Analytic => "analytic",
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown tiny model variant."),
    };

    /// <summary>Parses a name of <see cref="VariantName"/>; false when unknown.</summary>
    public static bool TryParseVariant(string? name, out TinyModelVariant variant)
    {
        foreach (var candidate in Enum.GetValues<TinyModelVariant>())
        {
            if (string.Equals(VariantName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                variant = candidate;
                return true;
            }
        }

        variant = default;
        return false;
    }

    private static void WriteCommon(string folder, TinyModelVariant variant, Action<string>? writeTokenizerFiles, bool int64Ids, bool half)
    {
        DiffusersConfigFiles.WriteModelIndex(folder, variant);
        DiffusersConfigFiles.WriteSchedulerConfig(folder, variant == TinyModelVariant.VPrediction);
        if (writeTokenizerFiles is not null)
        {
            var tokenizer = Path.Combine(folder, "tokenizer");
            Directory.CreateDirectory(tokenizer);
            writeTokenizerFiles(tokenizer);
        }

        TinyTextEncoderGraph.Write(ComponentPath(folder, "text_encoder"), half, int64Ids, seed: 1);
    }

    private static string ComponentPath(string folder, string component)
    {
        var dir = Path.Combine(folder, component);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "model.onnx");
    }
}

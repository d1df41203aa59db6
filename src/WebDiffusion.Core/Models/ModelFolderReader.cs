using System.Text.Json;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Describes one model folder from its headers and JSON files (no weights are loaded).
/// SD version: an explicit <c>"_webdiffusion": {"sd_version": "1.x"|"2.x"|"XL"}</c> in model_index.json wins; otherwise
/// a text_encoder_2 folder or a 1280/2048-wide context means XL, a 768-wide text encoder 1.x, a 1024-wide one 2.x;
/// anything else (the tiny models' 32) is "unknown". Prediction type: scheduler/scheduler_config.json
/// <c>prediction_type</c> (default epsilon). Latent scale: vae_decoder/config.json <c>scaling_factor</c> when present,
/// else 0.13025 for XL and 0.18215 otherwise. Latent format: <see cref="LatentFormatReader"/>.
/// </summary>
public static class ModelFolderReader
{
    /// <summary>Describes <paramref name="folder"/>; problems go to <see cref="ModelDescription.Error"/>, never thrown.</summary>
    public static ModelDescription Describe(string folder, ModelHashCache? hashes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var description = new ModelDescription
        {
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
            Folder = Path.GetFullPath(folder),
            Components = PresentComponents(folder),
        };

        string? error = null;
        ModelSignatures? signatures = null;
        try
        {
            signatures = ModelSignatureChecks.Check(folder);
        }
        catch (ModelLoadException ex)
        {
            error = ex.Message;
        }

        var sample = signatures?.UNet.FindInput("sample") ?? TryUNetSample(folder);
        var hidden = signatures?.TextHiddenSize ?? 0;
        var version = GuessVersion(folder, hidden, signatures);
        var latent = signatures?.Latent ?? LatentFormatReader.Read(folder);
        string? hash = null;
        if (hashes is not null && File.Exists(Path.Combine(folder, ModelComponents.UNet, ModelComponents.ModelFileName)))
        {
            try
            {
                hash = ModelHasher.Short(hashes.GetOrCompute(ModelHasher.HashedFiles(folder), cancellationToken));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error ??= "cannot hash the unet: " + ex.Message;
            }
        }

        return description with
        {
            Precision = sample?.ElementType == TensorElementType.Float16 ? ModelPrecision.Fp16 : ModelPrecision.Fp32,
            SdVersion = version,
            PredictionType = ReadPredictionType(folder),
            LatentScale = ReadLatentScale(folder) ?? (version == SdVersion.Xl ? 0.13025f : 0.18215f),
            Latent = latent,
            IsInpainting = sample?.FixedDim(1) == latent.InpaintingUNetChannels,
            TextHiddenSize = hidden,
            TextEncoderFeatures = signatures is null ? TextEncoderFeatures.IdsOnly : TextEncoderFeatures.From(signatures.TextEncoder),
            Hash = hash,
            Error = error,
        };
    }

    private static IReadOnlyList<string> PresentComponents(string folder)
    {
        var present = new List<string>();
        if (File.Exists(Path.Combine(folder, ModelComponents.Tokenizer, "vocab.json")) && File.Exists(Path.Combine(folder, ModelComponents.Tokenizer, "merges.txt")))
        {
            present.Add(ModelComponents.Tokenizer);
        }

        present.AddRange(ModelComponents.Onnx.Where(c => File.Exists(Path.Combine(folder, c, ModelComponents.ModelFileName))));
        return present;
    }

    private static Onnx.ModelWriter.OnnxValueSignature? TryUNetSample(string folder)
    {
        try
        {
            return Onnx.ModelWriter.OnnxModelInspector.ReadSignature(Path.Combine(folder, ModelComponents.UNet, ModelComponents.ModelFileName)).FindInput("sample");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static SdVersion GuessVersion(string folder, int hidden, ModelSignatures? signatures)
    {
        var hint = ReadJsonString(Path.Combine(folder, "model_index.json"), "_webdiffusion", "sd_version");
        switch (hint)
        {
            case "1.x": return SdVersion.Sd1;
            case "2.x": return SdVersion.Sd2;
            case "XL": return SdVersion.Xl;
        }

        var context = signatures?.UNet.FindInput("encoder_hidden_states")?.FixedDim(2);
        if (Directory.Exists(Path.Combine(folder, ModelComponents.TextEncoder2)) || context is 2048 || hidden is 1280)
        {
            return SdVersion.Xl;
        }

        return hidden switch
        {
            768 => SdVersion.Sd1,
            1024 => SdVersion.Sd2,
            _ => SdVersion.Unknown,
        };
    }

    private static PredictionType ReadPredictionType(string folder) =>
        ReadJsonString(Path.Combine(folder, "scheduler", "scheduler_config.json"), "prediction_type") == "v_prediction"
            ? PredictionType.VPrediction
            : PredictionType.Epsilon;

    private static float? ReadLatentScale(string folder)
    {
        var path = Path.Combine(folder, ModelComponents.VaeDecoder, "config.json");
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("scaling_factor", out var f) && f.ValueKind == JsonValueKind.Number
                ? (float)f.GetDouble()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    private static string? ReadJsonString(string path, params string[] keys)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var element = doc.RootElement;
            foreach (var key in keys)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out element))
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString() : element.ToString();
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}

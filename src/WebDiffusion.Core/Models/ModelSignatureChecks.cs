using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Checks that a model folder's files fit what the loader binds: files present, ONNX readable, inputs and outputs
/// named as diffusers exports them with an accepted dtype and rank, channel counts, and external weights complete.
/// Reads headers only (no weights), so it is cheap enough for every registry refresh.
/// </summary>
public static class ModelSignatureChecks
{
    private static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];

    /// <summary>Checks the folder; throws <see cref="ModelLoadException"/> at the first problem.</summary>
    public static ModelSignatures Check(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var tokenizer = Path.Combine(folder, ModelComponents.Tokenizer);
        foreach (var file in new[] { "vocab.json", "merges.txt" })
        {
            var path = Path.Combine(tokenizer, file);
            if (!File.Exists(path))
            {
                throw new ModelLoadException(path, null, "the CLIP tokenizer file " + file, "no such file");
            }
        }

        var latent = LatentFormatReader.Read(folder);
        var text = CheckTextEncoder(Path.Combine(folder, ModelComponents.TextEncoder, ModelComponents.ModelFileName));
        var unet = CheckUNet(Path.Combine(folder, ModelComponents.UNet, ModelComponents.ModelFileName), latent);
        var decoder = CheckVaeDecoder(Path.Combine(folder, ModelComponents.VaeDecoder, ModelComponents.ModelFileName), latent);
        var encoderPath = Path.Combine(folder, ModelComponents.VaeEncoder, ModelComponents.ModelFileName);
        var encoder = File.Exists(encoderPath) ? CheckVaeEncoder(encoderPath, latent) : null;

        var hidden = text.FindOutput("last_hidden_state")!.FixedDim(2);
        var context = unet.FindInput("encoder_hidden_states")!.FixedDim(2);
        if (hidden is not null && context is not null && hidden != context)
        {
            throw new ModelLoadException(Path.Combine(folder, ModelComponents.UNet, ModelComponents.ModelFileName), "encoder_hidden_states",
                $"a context width of {hidden} (the text encoder's hidden size)", $"{context}");
        }

        return new ModelSignatures(text, unet, decoder, encoder, latent);
    }

    /// <summary>Reads a component's signature and checks its external weights; throws <see cref="ModelLoadException"/>.</summary>
    public static OnnxModelSignature Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, null, "an ONNX model file", "no such file");
        }

        OnnxModelSignature signature;
        try
        {
            signature = OnnxModelInspector.ReadSignature(path);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(path, null, "a complete ONNX model", ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new ModelLoadException(path, null, "a readable ONNX model", ex.Message, ex);
        }

        foreach (var group in signature.ExternalData.GroupBy(r => r.Location, StringComparer.Ordinal))
        {
            var weights = ExternalDataLocation.Resolve(path, group.Key, group.First().TensorName);
            if (!File.Exists(weights))
            {
                throw new ModelLoadException(weights, group.First().TensorName, $"the external weights file '{group.Key}' beside {Path.GetFileName(path)}", "no such file");
            }

            var size = new FileInfo(weights).Length;
            var needed = group.Max(r => r.Length < 0 ? r.Offset : r.Offset + r.Length);
            if (needed > size)
            {
                var worst = group.First(r => (r.Length < 0 ? r.Offset : r.Offset + r.Length) == needed);
                throw new ModelLoadException(weights, worst.TensorName, $"at least {needed} bytes of weights (truncated download?)", $"{size} bytes");
            }
        }

        return signature;
    }

    private static OnnxModelSignature CheckTextEncoder(string path)
    {
        var s = Read(path);
        var ids = Input(s, path, "input_ids", "int32 or int64 [batch,77]", [TensorElementType.Int32, TensorElementType.Int64], 2);
        if (ids.FixedDim(1) is { } tokens && tokens != 77)
        {
            throw new ModelLoadException(path, "input_ids", "77 tokens (dim 1)", tokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Output(s, path, "last_hidden_state", "float [batch,77,hidden]", 3);
        return s;
    }

    private static OnnxModelSignature CheckUNet(string path, LatentFormat latent)
    {
        var s = Read(path);
        var (c, inpainting) = (latent.Channels, latent.InpaintingUNetChannels);
        var sample = Input(s, path, "sample", $"float [batch,{c}|{inpainting},h,w]", FloatTypes, 4);
        if (sample.FixedDim(1) is { } channels && channels != c && channels != inpainting)
        {
            throw new ModelLoadException(path, "sample", $"{c} latent channels (or {inpainting} for inpainting) in dim 1", $"{channels} channels");
        }

        var timestep = Input(s, path, "timestep", "int64 [1], float32 [batch], float16 [batch] or a scalar",
            [TensorElementType.Int64, TensorElementType.Float, TensorElementType.Float16, TensorElementType.Int32], -1);
        if (timestep.Dims.Count > 1)
        {
            throw new ModelLoadException(path, "timestep", "a scalar or a 1-D timestep", timestep.ShapeText);
        }

        Input(s, path, "encoder_hidden_states", "float [batch,tokens,hidden]", FloatTypes, 3);
        var output = Output(s, path, "out_sample", $"float [batch,{c},h,w]", 4);
        if (output.FixedDim(1) is { } outChannels && outChannels != c)
        {
            throw new ModelLoadException(path, "out_sample", $"{c} channels", $"{outChannels} channels");
        }

        return s;
    }

    private static OnnxModelSignature CheckVaeDecoder(string path, LatentFormat format)
    {
        var s = Read(path);
        var (c, f) = (format.Channels, format.ScaleFactor);
        var latent = Input(s, path, "latent_sample", $"float [batch,{c},h,w]", FloatTypes, 4);
        if (latent.FixedDim(1) is { } channels && channels != c)
        {
            throw new ModelLoadException(path, "latent_sample", $"{c} latent channels", $"{channels} channels");
        }

        var image = Output(s, path, "sample", $"float [batch,3,{f}h,{f}w]", 4);
        if (image.FixedDim(1) is { } rgb && rgb != 3)
        {
            throw new ModelLoadException(path, "sample", "3 colour channels", $"{rgb} channels");
        }

        return s;
    }

    private static OnnxModelSignature CheckVaeEncoder(string path, LatentFormat format)
    {
        var c = format.Channels;
        var s = Read(path);
        var image = Input(s, path, "sample", "float [batch,3,H,W]", FloatTypes, 4);
        if (image.FixedDim(1) is { } rgb && rgb != 3)
        {
            throw new ModelLoadException(path, "sample", "3 colour channels", $"{rgb} channels");
        }

        var latent = s.FindOutput("latent_sample");
        var parameters = s.FindOutput("latent_parameters");
        if (latent is null && parameters is null)
        {
            throw new ModelLoadException(path, "latent_sample", $"an output named 'latent_sample' [batch,{c},h,w] or 'latent_parameters' [batch,{2 * c},h,w]",
                "outputs " + Names(s.Outputs));
        }

        if (latent is null && parameters!.FixedDim(1) is { } channels && channels != 2 * c)
        {
            throw new ModelLoadException(path, "latent_parameters", $"{2 * c} channels ({c} mean, {c} log-variance)", $"{channels} channels");
        }

        return s;
    }

    private static OnnxValueSignature Input(OnnxModelSignature s, string path, string name, string expected, TensorElementType[] types, int rank)
    {
        var input = s.FindInput(name)
            ?? throw new ModelLoadException(path, name, $"an input named '{name}' ({expected})", "inputs " + Names(s.Inputs));
        CheckValue(input, path, expected, types, rank);
        return input;
    }

    private static OnnxValueSignature Output(OnnxModelSignature s, string path, string name, string expected, int rank)
    {
        var output = s.FindOutput(name)
            ?? throw new ModelLoadException(path, name, $"an output named '{name}' ({expected})", "outputs " + Names(s.Outputs));
        CheckValue(output, path, expected, FloatTypes, rank);
        return output;
    }

    private static void CheckValue(OnnxValueSignature value, string path, string expected, TensorElementType[] types, int rank)
    {
        if (!types.Contains(value.ElementType))
        {
            throw new ModelLoadException(path, value.Name, expected, $"{value.ElementType} {value.ShapeText}");
        }

        if (rank >= 0 && value.HasShape && value.Dims.Count != rank)
        {
            throw new ModelLoadException(path, value.Name, expected, $"rank {value.Dims.Count} {value.ShapeText}");
        }
    }

    private static string Names(IReadOnlyList<OnnxValueSignature> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Select(v => $"'{v.Name}' {v.ElementType} {v.ShapeText}"));
}

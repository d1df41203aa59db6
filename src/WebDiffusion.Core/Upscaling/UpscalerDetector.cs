using System.Globalization;
using System.Text.RegularExpressions;
using WebDiffusion.Core.Checkpoints;

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// Tells the upscaler network and its scale from a file's keys and shapes, as A1111 does: new RRDBNet (<c>conv_first</c>;
/// pixel-unshuffled input for ×2/×1: 4× or 16× the image channels), old ESRGAN (<c>model.0</c>; one upsampling conv per
/// factor 2) and SRVGGNetCompact (<c>body.0</c> … last conv with out·scale² channels). The activation of a compact model
/// without PReLU weights is not in the file: it is taken as LeakyReLU (0.1), Real-ESRGAN's only weightless alternative
/// for trained models, unless the caller says otherwise.
/// </summary>
public static partial class UpscalerDetector
{
    /// <summary>Detects the architecture of <paramref name="tensors"/>.</summary>
    /// <exception cref="UnsupportedUpscalerException">The keys match no supported network.</exception>
    public static UpscalerArchitecture Detect(ICheckpointTensors tensors, SrvggActivation weightlessActivation = SrvggActivation.LeakyRelu)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var prefix in new[] { string.Empty, "params_ema.", "params.", "state_dict." })
        {
            if (tensors.TryGet(prefix + "conv_first.weight", out var first))
            {
                return NewRrdb(tensors, prefix, first);
            }

            if (tensors.TryGet(prefix + "model.0.weight", out var old) && tensors.TryGet(prefix + "model.1.sub.0.RDB1.conv1.0.weight", out _))
            {
                return OldRrdb(tensors, prefix, old);
            }

            if (tensors.TryGet(prefix + "body.0.weight", out var body0) && body0.Rank == 4)
            {
                return Srvgg(tensors, prefix, body0, weightlessActivation);
            }
        }

        throw new UnsupportedUpscalerException(tensors.FilePath, "no RRDBNet (conv_first / model.0 + model.1.sub) or SRVGGNetCompact (body.0) keys; SwinIR, DAT and other networks are not supported.");
    }

    private static UpscalerArchitecture NewRrdb(ICheckpointTensors tensors, string prefix, CheckpointTensorInfo first)
    {
        var outChannels = (int)tensors.Get(prefix + "conv_last.weight").Shape[0];
        var inFeatures = (int)first.Shape[1];
        var (scale, inChannels) = inFeatures % 16 == 0 && inFeatures / 16 == outChannels ? (1, inFeatures / 16)
            : inFeatures % 4 == 0 && inFeatures / 4 == outChannels ? (2, inFeatures / 4)
            : (4, inFeatures);
        if (tensors.TryGet(prefix + "conv_up3.weight", out _))
        {
            scale = 8;
        }

        var blocks = CountWhile(i => tensors.TryGet($"{prefix}body.{i}.rdb1.conv1.weight", out _));
        return new UpscalerArchitecture(UpscalerFamily.RrdbNet, prefix, scale, inChannels, outChannels, blocks, SrvggActivation.PRelu);
    }

    private static UpscalerArchitecture OldRrdb(ICheckpointTensors tensors, string prefix, CheckpointTensorInfo first)
    {
        var last = tensors.Tensors
            .Select(t => ModelIndex().Match(t.Name.StartsWith(prefix, StringComparison.Ordinal) ? t.Name[prefix.Length..] : string.Empty))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Max();
        var upconvs = (last - 4) / 3;
        if (last < 4 || (last - 4) % 3 != 0 || !tensors.TryGet($"{prefix}model.{last - 2}.weight", out _))
        {
            throw new UnsupportedUpscalerException(tensors.FilePath, $"an old-layout ESRGAN whose last conv is model.{last} does not have the upsample/HR/last layout.");
        }

        var blocks = CountWhile(i => tensors.TryGet($"{prefix}model.1.sub.{i}.RDB1.conv1.0.weight", out _));
        var outChannels = (int)tensors.Get($"{prefix}model.{last}.weight").Shape[0];
        return new UpscalerArchitecture(UpscalerFamily.RrdbNetOld, prefix, 1 << upconvs, (int)first.Shape[1], outChannels, blocks, SrvggActivation.PRelu);
    }

    private static UpscalerArchitecture Srvgg(ICheckpointTensors tensors, string prefix, CheckpointTensorInfo first, SrvggActivation weightless)
    {
        var lastIndex = 0;
        for (var i = 2; tensors.TryGet($"{prefix}body.{i}.weight", out var conv) && conv.Rank == 4; i += 2)
        {
            lastIndex = i;
        }

        if (lastIndex == 0)
        {
            throw new UnsupportedUpscalerException(tensors.FilePath, "an SRVGGNetCompact needs at least two body convolutions.");
        }

        var inChannels = (int)first.Shape[1];
        var outTimesScale2 = tensors.Get($"{prefix}body.{lastIndex}.weight").Shape[0];
        var scale = (int)Math.Round(Math.Sqrt(outTimesScale2 / (double)inChannels));
        if (scale < 1 || inChannels * scale * scale != outTimesScale2)
        {
            throw new UnsupportedUpscalerException(tensors.FilePath, $"the last convolution's {outTimesScale2} channels are not {inChannels}·scale².");
        }

        var activation = tensors.TryGet(prefix + "body.1.weight", out _) ? SrvggActivation.PRelu : weightless;
        return new UpscalerArchitecture(UpscalerFamily.SrvggNetCompact, prefix, scale, inChannels, inChannels, (lastIndex / 2) - 1, activation);
    }

    private static int CountWhile(Func<int, bool> exists)
    {
        var n = 0;
        while (exists(n))
        {
            n++;
        }

        return n;
    }

    [GeneratedRegex(@"^model\.([0-9]+)\.weight$")]
    private static partial Regex ModelIndex();
}

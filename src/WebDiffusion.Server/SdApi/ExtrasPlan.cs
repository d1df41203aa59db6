using System.Globalization;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// The sizes one Extras upscale will produce, computed from the upload's header alone (so limits are checked before any
/// decoding), following A1111's <c>Upscaler.upscale</c>: the upscaler resizes to <c>int(side × scale)</c>, then a Lanczos
/// pass brings it to <c>side × scale</c> rounded down to a multiple of 8; "scale to" takes the larger ratio and, with crop,
/// centres the result on a canvas of exactly the requested size.
/// </summary>
/// <param name="Scale">The factor applied (A1111's <c>upscale_by</c>).</param>
/// <param name="ScaledWidth">Width after the upscaler's own resize.</param>
/// <param name="ScaledHeight">Height after the upscaler's own resize.</param>
/// <param name="DestWidth">Width after the Lanczos pass to a multiple of 8.</param>
/// <param name="DestHeight">Height after the Lanczos pass to a multiple of 8.</param>
/// <param name="Width">Final width.</param>
/// <param name="Height">Final height.</param>
/// <param name="CropToTarget">True when the result is centred on a Width × Height canvas ("scale to" with crop).</param>
/// <param name="Identity">True when nothing is resized (upscaler "None").</param>
/// <param name="Info">A1111's postprocessing infotext items, in order.</param>
public sealed record ExtrasPlan(
    double Scale, int ScaledWidth, int ScaledHeight, int DestWidth, int DestHeight, int Width, int Height, bool CropToTarget, bool Identity,
    IReadOnlyList<KeyValuePair<string, string>> Info)
{
    /// <summary>Plans the upscale of a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public static ExtrasPlan Create(int width, int height, ExtrasParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Upscaler == "None")
        {
            // A1111 skips the upscale step entirely when upscaler_1 is "None".
            return new ExtrasPlan(1, width, height, width, height, width, height, false, true, []);
        }

        var info = new List<KeyValuePair<string, string>>();
        double scale;
        var crop = false;
        if (parameters.ResizeMode == 1)
        {
            scale = Math.Max((double)parameters.TargetWidth / width, (double)parameters.TargetHeight / height);
            info.Add(new("Postprocess upscale to", $"{parameters.TargetWidth}x{parameters.TargetHeight}"));
            crop = parameters.Crop;
        }
        else
        {
            scale = parameters.Scale;
            info.Add(new("Postprocess upscale by", scale.ToString(CultureInfo.InvariantCulture)));
        }

        info.Add(new("Postprocess upscaler", parameters.Upscaler));
        var destWidth = Math.Max(1, (int)(Math.Floor(width * scale / 8) * 8));
        var destHeight = Math.Max(1, (int)(Math.Floor(height * scale / 8) * 8));
        var (scaledWidth, scaledHeight) = scale > 1 ? (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale))) : (width, height);
        var (finalWidth, finalHeight) = crop ? (parameters.TargetWidth, parameters.TargetHeight) : (destWidth, destHeight);
        if (crop)
        {
            info.Add(new("Postprocess crop to", $"{finalWidth}x{finalHeight}"));
        }

        return new ExtrasPlan(scale, scaledWidth, scaledHeight, destWidth, destHeight, finalWidth, finalHeight, crop, false, info);
    }

    /// <summary>The largest side any buffer of this plan has.</summary>
    public int LargestSide => Math.Max(Math.Max(ScaledWidth, ScaledHeight), Math.Max(Math.Max(DestWidth, DestHeight), Math.Max(Width, Height)));

    /// <summary>A1111's infotext line: <c>"Postprocess upscale by: 2, Postprocess upscaler: Lanczos"</c>.</summary>
    public string InfoText => string.Join(", ", Info.Select(kv => $"{kv.Key}: {kv.Value}"));
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// The upscale part of A1111's <c>ExtrasBaseRequest</c> (defaults from <c>modules/api/models.py</c>): resize by a factor
/// (<c>resize_mode</c> 0) or to a size (1), with upscaler 1. Face restoration and a blended second upscaler are refused.
/// </summary>
public sealed record ExtrasParameters(int ResizeMode, double Scale, int TargetWidth, int TargetHeight, bool Crop, string Upscaler)
{
    /// <summary>Reads the fields of <paramref name="body"/>; a wrong type or an unsupported feature is a 422.</summary>
    /// <param name="body">The request.</param>
    /// <param name="models">Names of the model upscalers present (accepted besides the built-in ones).</param>
    public static (ExtrasParameters? Parameters, ExtrasProblem? Problem) Parse(JsonObject body, IReadOnlyCollection<string>? models = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        models ??= [];
        var problems = new List<string>();
        var mode = Integer(body, "resize_mode", null, problems) ?? Integer(body, "upscaling_resize_mode", null, problems) ?? 0;
        var scale = Number(body, "upscaling_resize", 2.0, problems);
        var width = Integer(body, "upscaling_resize_w", 512, problems)!.Value;
        var height = Integer(body, "upscaling_resize_h", 512, problems)!.Value;
        var crop = Boolean(body, "upscaling_crop", true, problems);
        var upscaler1 = Text(body, "upscaler_1", "None", problems);
        var upscaler2 = Text(body, "upscaler_2", "None", problems);
        var visibility2 = Number(body, "extras_upscaler_2_visibility", 0, problems);
        var gfpgan = Number(body, "gfpgan_visibility", 0, problems);
        var codeformer = Number(body, "codeformer_visibility", 0, problems);
        if (problems.Count > 0)
        {
            return (null, ExtrasProblem.Unprocessable(string.Join(" ", problems)));
        }

        if (mode is not (0 or 1))
        {
            problems.Add("resize_mode must be 0 (scale by upscaling_resize) or 1 (scale to upscaling_resize_w × upscaling_resize_h).");
        }

        if (mode == 0 && !(scale > 0 && double.IsFinite(scale)))
        {
            problems.Add("upscaling_resize must be a positive number.");
        }

        if (mode == 1 && (width < 1 || height < 1))
        {
            problems.Add("upscaling_resize_w and upscaling_resize_h must be at least 1.");
        }

        if (!SdApiCatalogEndpoints.Upscalers.Contains(upscaler1, StringComparer.Ordinal) && !models.Contains(upscaler1, StringComparer.Ordinal))
        {
            problems.Add($"upscaler_1 '{upscaler1}' is not available; WebDiffusion has: {string.Join(", ", SdApiCatalogEndpoints.Upscalers.Concat(models))}.");
        }

        if (visibility2 > 0 && upscaler2 != "None")
        {
            problems.Add("upscaler_2 with extras_upscaler_2_visibility > 0 (blending two upscalers) is not supported; set the visibility to 0.");
        }

        if (gfpgan > 0 || codeformer > 0)
        {
            problems.Add("gfpgan_visibility / codeformer_visibility: no face restorer is available in WebDiffusion; set them to 0.");
        }

        return problems.Count > 0
            ? (null, ExtrasProblem.Unprocessable(string.Join(" ", problems)))
            : (new ExtrasParameters(mode, scale, width, height, crop, upscaler1), null);
    }

    private static JsonValueKind Kind(JsonObject body, string key) =>
        body.TryGetPropertyValue(key, out var node) ? node?.GetValueKind() ?? JsonValueKind.Null : JsonValueKind.Undefined;

    private static int? Integer(JsonObject body, string key, int? fallback, List<string> problems)
    {
        var kind = Kind(body, key);
        if (kind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return fallback;
        }

        if (kind == JsonValueKind.Number && body[key]!.GetValue<double>() is var d && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
        {
            return (int)d;
        }

        problems.Add($"{key} must be a whole number.");
        return fallback ?? 0;
    }

    private static double Number(JsonObject body, string key, double fallback, List<string> problems)
    {
        var kind = Kind(body, key);
        if (kind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return fallback;
        }

        if (kind == JsonValueKind.Number)
        {
            return body[key]!.GetValue<double>();
        }

        problems.Add($"{key} must be a number.");
        return fallback;
    }

    private static bool Boolean(JsonObject body, string key, bool fallback, List<string> problems)
    {
        switch (Kind(body, key))
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return fallback;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                problems.Add($"{key} must be true or false.");
                return fallback;
        }
    }

    private static string Text(JsonObject body, string key, string fallback, List<string> problems)
    {
        var kind = Kind(body, key);
        if (kind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return fallback;
        }

        if (kind == JsonValueKind.String)
        {
            return body[key]!.GetValue<string>();
        }

        problems.Add($"{key} must be a string.");
        return fallback;
    }
}

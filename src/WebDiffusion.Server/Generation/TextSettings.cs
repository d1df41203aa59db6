using System.Globalization;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// The text settings a request runs with, as A1111 resolves them: <c>override_settings</c>, then the request's own
/// field (native <c>clip_skip</c>), then the stored /sdapi options (<c>emphasis</c>, <c>comma_padding_backtrack</c>,
/// <c>CLIP_stop_at_last_layers</c>), then A1111's defaults. Override values were already checked at submit against
/// <see cref="SdApi.SdApiOptionCatalog"/> (the request reader refuses a bad one naming it), so a value that does not
/// parse here is simply not applied.
/// </summary>
/// <param name="Options">The resolved options.</param>
/// <param name="ClipSkipField">Where the clip skip came from, named as the user set it.</param>
public sealed record TextSettings(ConditioningOptions Options, string ClipSkipField)
{
    /// <summary>A1111's option name for clip skip.</summary>
    public const string ClipSkipOption = "CLIP_stop_at_last_layers";

    /// <summary>A1111's option name for the emphasis mode.</summary>
    public const string EmphasisOption = "emphasis";

    /// <summary>A1111's option name for the comma backtrack distance.</summary>
    public const string BacktrackOption = "comma_padding_backtrack";

    /// <summary>Resolves the settings of <paramref name="request"/> against the <paramref name="stored"/> options.</summary>
    public static TextSettings Resolve(GenerationRequest request, JsonObject stored)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stored);
        var overrides = request.OverrideSettings;

        var emphasis = (overrides.TryGetValue(EmphasisOption, out var emphasisText) ? EmphasisModeNames.Parse(emphasisText) : null)
            ?? EmphasisModeNames.Parse(stored[EmphasisOption]?.GetValue<string>())
            ?? EmphasisMode.Original;
        var backtrack = (overrides.TryGetValue(BacktrackOption, out var backtrackText) ? TryInt(backtrackText) : null)
            ?? StoredInt(stored, BacktrackOption)
            ?? 20;

        int clipSkip;
        string field;
        if (overrides.TryGetValue(ClipSkipOption, out var clipText) && TryInt(clipText) is { } overridden)
        {
            (clipSkip, field) = (overridden, "override_settings." + ClipSkipOption);
        }
        else if (request.ClipSkip is { } own)
        {
            (clipSkip, field) = (own, "clip_skip");
        }
        else
        {
            (clipSkip, field) = (StoredInt(stored, ClipSkipOption) ?? 1, ClipSkipOption);
        }

        var options = new ConditioningOptions
        {
            Emphasis = emphasis,
            CommaPaddingBacktrack = Math.Clamp(backtrack, 0, PromptChunker.ChunkLength - 1),
            ClipSkip = Math.Clamp(clipSkip, 1, 12),
        };
        return new TextSettings(options, field);
    }

    private static int? StoredInt(JsonObject stored, string key) => TryInt(stored[key]?.ToJsonString());

    private static int? TryInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

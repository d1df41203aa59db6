using System.Globalization;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// The text settings a request runs with, as A1111 resolves them: <c>override_settings</c>, then the request's own
/// field (native <c>clip_skip</c>), then the stored /sdapi options (<c>emphasis</c>, <c>comma_padding_backtrack</c>,
/// <c>CLIP_stop_at_last_layers</c>), then A1111's defaults. Bad override values are reported by field.
/// </summary>
/// <param name="Options">The resolved options.</param>
/// <param name="ClipSkipField">Where the clip skip came from, named as the user set it.</param>
/// <param name="Errors">Override values that are not valid, by field; empty when all are.</param>
public sealed record TextSettings(ConditioningOptions Options, string ClipSkipField, IReadOnlyDictionary<string, string> Errors)
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
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var overrides = request.OverrideSettings;

        var emphasis = EmphasisModeNames.Parse(stored[EmphasisOption]?.GetValue<string>()) ?? EmphasisMode.Original;
        if (overrides.TryGetValue(EmphasisOption, out var emphasisText))
        {
            if (EmphasisModeNames.Parse(emphasisText) is { } mode)
            {
                emphasis = mode;
            }
            else
            {
                errors["override_settings." + EmphasisOption] = $"emphasis must be one of {string.Join(", ", EmphasisModeNames.All.Select(n => $"\"{n}\""))}; got \"{emphasisText}\".";
            }
        }

        var backtrack = StoredInt(stored, BacktrackOption) ?? 20;
        if (overrides.TryGetValue(BacktrackOption, out var backtrackText))
        {
            if (TryInt(backtrackText) is { } value and >= 0 and <= PromptChunker.ChunkLength - 1)
            {
                backtrack = value;
            }
            else
            {
                errors["override_settings." + BacktrackOption] = $"comma_padding_backtrack must be an integer from 0 to {PromptChunker.ChunkLength - 1}; got \"{backtrackText}\".";
            }
        }

        int clipSkip;
        string field;
        if (overrides.TryGetValue(ClipSkipOption, out var clipText))
        {
            field = "override_settings." + ClipSkipOption;
            if (TryInt(clipText) is { } value and >= 1 and <= 12)
            {
                clipSkip = value;
            }
            else
            {
                clipSkip = 1;
                errors[field] = $"CLIP_stop_at_last_layers must be an integer from 1 to 12; got \"{clipText}\".";
            }
        }
        else if (request.ClipSkip is { } own)
        {
            (clipSkip, field) = (own, "clip_skip");
        }
        else
        {
            (clipSkip, field) = (Math.Clamp(StoredInt(stored, ClipSkipOption) ?? 1, 1, 12), ClipSkipOption);
        }

        var options = new ConditioningOptions { Emphasis = emphasis, CommaPaddingBacktrack = Math.Clamp(backtrack, 0, PromptChunker.ChunkLength - 1), ClipSkip = clipSkip };
        return new TextSettings(options, field, errors);
    }

    private static int? StoredInt(JsonObject stored, string key) => TryInt(stored[key]?.ToJsonString());

    private static int? TryInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

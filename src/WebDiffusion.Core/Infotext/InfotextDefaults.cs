using System.Text.RegularExpressions;

namespace WebDiffusion.Core.Infotext;

/// <summary>
/// The full dictionary A1111's <c>parse_generation_parameters</c> returns: Prompt, Negative prompt, the parsed pairs, then
/// the defaults it inserts for missing keys (values are strings, except the integer and boolean defaults A1111 uses).
/// </summary>
public static partial class InfotextDefaults
{
    /// <summary>Builds the ordered dictionary (as the <c>parameters</c> object of <c>/sdapi/v1/png-info</c>).</summary>
    public static IReadOnlyList<KeyValuePair<string, object>> ToA1111Dictionary(ParsedInfotext parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var result = new List<KeyValuePair<string, object>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);

        void Put(string key, object value)
        {
            if (index.TryGetValue(key, out var i))
            {
                result[i] = new(key, value);
            }
            else
            {
                index[key] = result.Count;
                result.Add(new(key, value));
            }
        }

        void Default(string key, object value)
        {
            if (!index.ContainsKey(key))
            {
                Put(key, value);
            }
        }

        Put("Prompt", parsed.Prompt);
        Put("Negative prompt", parsed.NegativePrompt);
        foreach (var (key, value) in parsed.Parameters)
        {
            Put(key, value);
        }

        Default("Clip skip", "1");
        if (index.TryGetValue("Hypernet", out var hypernet))
        {
            var strength = index.TryGetValue("Hypernet strength", out var s) ? result[s].Value : "1.0";
            Put("Prompt", $"{result[index["Prompt"]].Value}<hypernet:{result[hypernet].Value}:{strength}>");
        }

        if (!index.ContainsKey("Hires resize-1"))
        {
            Put("Hires resize-1", 0);
            Put("Hires resize-2", 0);
        }

        Default("Hires sampler", "Use same sampler");
        Default("Hires schedule type", "Use same scheduler");
        Default("Hires checkpoint", "Use same checkpoint");
        Default("Hires prompt", string.Empty);
        Default("Hires negative prompt", string.Empty);
        Default("Mask mode", "Inpaint masked");
        Default("Masked content", "original");
        Default("Inpaint area", "Whole picture");
        Default("Masked area padding", 32);
        Default("RNG", "GPU");
        Default("Schedule type", "Automatic");
        Default("Schedule max sigma", 0);
        Default("Schedule min sigma", 0);
        Default("Schedule rho", 0);
        Default("VAE Encoder", "Full");
        Default("VAE Decoder", "Full");
        Default("FP8 weight", "Disable");
        if (!index.ContainsKey("Cache FP16 weight for LoRA") && !Equals(result[index["FP8 weight"]].Value, "Disable"))
        {
            Put("Cache FP16 weight for LoRA", false);
        }

        if (!index.ContainsKey("Emphasis") && (UsesEmphasis(parsed.Prompt) || UsesEmphasis(parsed.NegativePrompt)))
        {
            Put("Emphasis", "Original");
        }

        Default("Refiner switch by sampling steps", false);
        return result;
    }

    /// <summary>
    /// Approximates A1111's "prompt uses emphasis" check: an unescaped <c>(</c> or <c>[</c>, other than an explicit
    /// weight of exactly 1.
    /// </summary>
    private static bool UsesEmphasis(string prompt)
    {
        foreach (Match m in EmphasisPattern().Matches(prompt))
        {
            if (!m.Value.EndsWith(":1)", StringComparison.Ordinal) && !m.Value.EndsWith(":1.0)", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("""(?<!\\)[\(\[][^\(\)\[\]]*[\)\]]?""")]
    private static partial Regex EmphasisPattern();
}

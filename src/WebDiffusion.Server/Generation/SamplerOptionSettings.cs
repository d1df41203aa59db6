using System.Globalization;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Generation;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// Builds the pipeline's <see cref="SamplerSettings"/> from A1111's sampler options: a request's
/// <c>override_settings</c> value, else the stored <c>/sdapi/v1/options</c> value, else A1111's default.
/// (The request fields eta and s_* win over both; the pipeline applies them.)
/// </summary>
public static class SamplerOptionSettings
{
    /// <summary>Reads the settings; <paramref name="stored"/> is <see cref="SdApiOptionsStore.Read"/>.</summary>
    public static SamplerSettings Read(JsonObject stored, IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(overrides);
        JsonNode? Value(string key)
        {
            var option = SdApiOptionCatalog.Options[key];
            if (overrides.TryGetValue(key, out var text) && option.CheckText(key, text) is { Error: null } checkedValue)
            {
                return checkedValue.Value;
            }

            return stored[key] ?? option.Default;
        }

        double Number(string key) => double.Parse(Value(key)!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        bool Flag(string key) => Value(key)!.GetValue<bool>();
        return new SamplerSettings
        {
            EtaAncestral = Number("eta_ancestral"),
            EtaDdim = Number("eta_ddim"),
            SChurn = Number("s_churn"),
            STmin = Number("s_tmin"),
            STmax = Number("s_tmax"),
            SNoise = Number("s_noise"),
            SigmaMin = Number("sigma_min"),
            SigmaMax = Number("sigma_max"),
            Rho = Number("rho"),
            AlwaysDiscardPenultimateSigma = Flag("always_discard_next_to_last_sigma"),
            SgmNoiseMultiplier = Flag("sgm_noise_multiplier"),
            UniPcOrder = (int)Number("uni_pc_order"),
            Img2ImgFixSteps = Flag("img2img_fix_steps"),
            InitialNoiseMultiplier = Number("initial_noise_multiplier"),
        };
    }
}

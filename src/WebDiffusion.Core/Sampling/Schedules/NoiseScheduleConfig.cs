using System.Globalization;
using System.Text.Json;

namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>A model's training noise schedule (the fields of diffusers' <c>scheduler/scheduler_config.json</c> that matter).</summary>
public sealed record NoiseScheduleConfig
{
    /// <summary>SD1.x / SD2 / SDXL: β 0.00085 → 0.012, scaled_linear, 1000 steps, epsilon.</summary>
    public static NoiseScheduleConfig StableDiffusion { get; } = new();

    /// <summary>First beta.</summary>
    public double BetaStart { get; init; } = 0.00085;

    /// <summary>Last beta.</summary>
    public double BetaEnd { get; init; } = 0.012;

    /// <summary>Beta spacing.</summary>
    public BetaScheduleKind BetaSchedule { get; init; } = BetaScheduleKind.ScaledLinear;

    /// <summary>Training timesteps (1000).</summary>
    public int TrainTimesteps { get; init; } = 1000;

    /// <summary>What the model predicts.</summary>
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    /// <summary>
    /// Reads a diffusers <c>scheduler_config.json</c>; missing fields keep the SD defaults. Unknown beta schedules or
    /// prediction types throw <see cref="FormatException"/> naming the field and the accepted values.
    /// </summary>
    public static NoiseScheduleConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var config = new NoiseScheduleConfig();
        if (root.TryGetProperty("beta_start", out var b0) && b0.ValueKind == JsonValueKind.Number)
        {
            config = config with { BetaStart = b0.GetDouble() };
        }

        if (root.TryGetProperty("beta_end", out var b1) && b1.ValueKind == JsonValueKind.Number)
        {
            config = config with { BetaEnd = b1.GetDouble() };
        }

        if (root.TryGetProperty("num_train_timesteps", out var n) && n.ValueKind == JsonValueKind.Number)
        {
            config = config with { TrainTimesteps = n.GetInt32() };
        }

        if (root.TryGetProperty("beta_schedule", out var bs) && bs.ValueKind == JsonValueKind.String)
        {
            config = config with
            {
                BetaSchedule = bs.GetString() switch
                {
                    "scaled_linear" => BetaScheduleKind.ScaledLinear,
                    "linear" => BetaScheduleKind.Linear,
                    var other => throw new FormatException($"scheduler_config.json: beta_schedule '{other}' is not supported; use \"scaled_linear\" or \"linear\"."),
                },
            };
        }

        if (root.TryGetProperty("prediction_type", out var pt) && pt.ValueKind == JsonValueKind.String)
        {
            config = config with
            {
                Prediction = pt.GetString() switch
                {
                    "epsilon" => PredictionType.Epsilon,
                    "v_prediction" => PredictionType.VPrediction,
                    var other => throw new FormatException($"scheduler_config.json: prediction_type '{other}' is not supported; use \"epsilon\" or \"v_prediction\"."),
                },
            };
        }

        config.Validate();
        return config;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the values cannot form a schedule.</summary>
    public void Validate()
    {
        if (TrainTimesteps < 2 || TrainTimesteps > 100_000)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"num_train_timesteps must be between 2 and 100000 (got {TrainTimesteps})."));
        }

        if (!(BetaStart > 0) || !(BetaEnd > 0) || BetaStart >= 1 || BetaEnd >= 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"beta_start and beta_end must be in (0, 1) (got {BetaStart}, {BetaEnd})."));
        }
    }
}

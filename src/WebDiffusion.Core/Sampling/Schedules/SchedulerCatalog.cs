namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>The schedule types we implement, in A1111's order, and name lookup.</summary>
public static class SchedulerCatalog
{
    /// <summary>All schedule types (A1111's list order).</summary>
    public static IReadOnlyList<SchedulerInfo> All { get; } =
    [
        new(ScheduleType.Automatic, "automatic", "Automatic", null, -1, false),
        new(ScheduleType.Uniform, "uniform", "Uniform", null, -1, true),
        new(ScheduleType.Karras, "karras", "Karras", null, 7.0, false),
        new(ScheduleType.Exponential, "exponential", "Exponential", null, -1, false),
        new(ScheduleType.Polyexponential, "polyexponential", "Polyexponential", null, 1.0, false),
        new(ScheduleType.SgmUniform, "sgm_uniform", "SGM Uniform", ["SGMUniform"], -1, true),
        new(ScheduleType.KlOptimal, "kl_optimal", "KL Optimal", null, -1, false),
        new(ScheduleType.AlignYourSteps, "align_your_steps", "Align Your Steps", null, -1, false),
        new(ScheduleType.Simple, "simple", "Simple", null, -1, true),
        new(ScheduleType.Normal, "normal", "Normal", null, -1, true),
        new(ScheduleType.Ddim, "ddim", "DDIM", null, -1, true),
        new(ScheduleType.Beta, "beta", "Beta", null, -1, true),
    ];

    /// <summary>The entry of a type.</summary>
    public static SchedulerInfo Get(ScheduleType type)
    {
        foreach (var info in All)
        {
            if (info.Type == type)
            {
                return info;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown schedule type.");
    }

    /// <summary>Finds by name, label or alias (case-insensitive); null/empty means Automatic.</summary>
    public static bool TryFind(string? name, out SchedulerInfo info)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            info = All[0];
            return true;
        }

        var key = name.Trim();
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, key, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.Label, key, StringComparison.OrdinalIgnoreCase)
                || (candidate.Aliases?.Any(a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase)) ?? false))
            {
                info = candidate;
                return true;
            }
        }

        info = All[0];
        return false;
    }

    /// <summary>Finds by name, label or alias or throws <see cref="UnknownSchedulerException"/> listing the valid labels.</summary>
    public static SchedulerInfo Find(string? name) =>
        TryFind(name, out var info) ? info : throw new UnknownSchedulerException(name ?? string.Empty, All.Select(s => s.Label));
}

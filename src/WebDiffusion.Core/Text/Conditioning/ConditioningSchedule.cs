namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>The conditionings of one prompt over the sampling steps (prompt editing and alternation).</summary>
public sealed class ConditioningSchedule
{
    /// <summary>Creates a schedule; entries must be ascending by end step.</summary>
    public ConditioningSchedule(IReadOnlyList<ConditioningScheduleEntry> entries, double weight = 1.0)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("A schedule needs at least one entry.", nameof(entries));
        }

        Entries = entries;
        Weight = weight;
    }

    /// <summary>The entries, ascending by end step.</summary>
    public IReadOnlyList<ConditioningScheduleEntry> Entries { get; }

    /// <summary>The prompt's composable-diffusion weight (<c>prompt :0.8</c>; 1.0 normally): multiplies CFG's (cond − uncond).</summary>
    public double Weight { get; }

    /// <summary>Largest chunk count among the entries (pad every entry and the negative prompt to it for batched CFG).</summary>
    public int MaxChunkCount => Entries.Max(e => e.Conditioning.ChunkCount);

    /// <summary>
    /// The conditioning for sampler step <paramref name="step"/> (0-based denoiser call index, as A1111's
    /// <c>reconstruct_cond_batch</c>): the first entry with <c>step ≤ EndStep</c>; the last entry beyond the end.
    /// </summary>
    public PromptConditioning ForStep(int step)
    {
        foreach (var entry in Entries)
        {
            if (step <= entry.EndStep)
            {
                return entry.Conditioning;
            }
        }

        return Entries[^1].Conditioning;
    }
}

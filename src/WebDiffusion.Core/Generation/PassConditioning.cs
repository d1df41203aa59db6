using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Generation;

/// <summary>The conditionings of one sampling pass: the prompt's weighted AND parts and the negative prompt, padded alike.</summary>
internal static class PassConditioning
{
    /// <summary>
    /// Encodes the prompt's AND parts (each with its weight; A1111 keeps repeated parts as separate terms) and the
    /// negative prompt, which is never split on AND (A1111's negative is not composable), padded to one chunk count.
    /// The uncond is skipped only for a plain prompt at CFG 1. With <paramref name="hiresSteps"/> both use A1111's
    /// hires timeline (<c>[a:b:1.5]</c> switches halfway through the hires pass; integers count across both passes).
    /// </summary>
    public static async Task<(IReadOnlyList<WeightedConditioning> Conds, ConditioningSchedule? Uncond)> BuildAsync(
        ConditioningBuilder builder, string prompt, string negative, int steps, int? hiresSteps, double cfgScale, CancellationToken cancellationToken)
    {
        var parts = ParsedPrompt.Parse(prompt).SubPrompts;
        var conds = new List<WeightedConditioning>(parts.Count);
        foreach (var part in parts)
        {
            conds.Add(new WeightedConditioning(await builder.BuildScheduleAsync(part.Text, steps, hiresSteps, cancellationToken).ConfigureAwait(false), part.Weight));
        }

        if (cfgScale == 1.0 && conds.Count == 1 && conds[0].Weight == 1.0)
        {
            return (conds, null);
        }

        var uncond = await builder.BuildScheduleAsync(negative, steps, hiresSteps, cancellationToken).ConfigureAwait(false);
        var chunks = Math.Max(conds.Max(c => c.Schedule.MaxChunkCount), uncond.MaxChunkCount);
        var padded = new List<WeightedConditioning>(conds.Count);
        foreach (var cond in conds)
        {
            padded.Add(cond with { Schedule = await PadAsync(builder, cond.Schedule, chunks, cancellationToken).ConfigureAwait(false) });
        }

        return (padded, await PadAsync(builder, uncond, chunks, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<ConditioningSchedule> PadAsync(ConditioningBuilder builder, ConditioningSchedule schedule, int chunks, CancellationToken cancellationToken)
    {
        if (schedule.Entries.All(e => e.Conditioning.ChunkCount == chunks))
        {
            return schedule;
        }

        var entries = new List<ConditioningScheduleEntry>(schedule.Entries.Count);
        foreach (var entry in schedule.Entries)
        {
            var padded = await builder.PadToChunkCountAsync(entry.Conditioning, chunks, cancellationToken).ConfigureAwait(false);
            entries.Add(new ConditioningScheduleEntry(entry.EndStep, entry.Text, padded));
        }

        return new ConditioningSchedule(entries, schedule.Weight);
    }
}

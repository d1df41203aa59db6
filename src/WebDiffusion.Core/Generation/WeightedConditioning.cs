using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Generation;

/// <summary>One sub-prompt of a composable ("AND") prompt: its conditioning schedule and weight.</summary>
/// <param name="Schedule">The sub-prompt's conditioning over the steps.</param>
/// <param name="Weight">Its weight (the <c>:w</c> after the sub-prompt; 1 by default).</param>
public sealed record WeightedConditioning(ConditioningSchedule Schedule, double Weight);

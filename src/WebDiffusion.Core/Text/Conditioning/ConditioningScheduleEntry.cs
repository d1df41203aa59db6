namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>Conditioning used up to and including <paramref name="EndStep"/>.</summary>
/// <param name="EndStep">A1111 <c>end_at_step</c>.</param>
/// <param name="Text">The scheduled prompt text.</param>
/// <param name="Conditioning">Its encoding (shared between entries with the same text).</param>
public sealed record ConditioningScheduleEntry(int EndStep, string Text, PromptConditioning Conditioning);

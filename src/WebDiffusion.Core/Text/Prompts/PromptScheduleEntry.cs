namespace WebDiffusion.Core.Text.Prompts;

/// <summary>One entry of a prompt schedule: <paramref name="Text"/> is used up to and including step <paramref name="EndStep"/>.</summary>
/// <param name="EndStep">Last step (A1111 <c>end_at_step</c>) at which this text applies.</param>
/// <param name="Text">The prompt text for those steps (emphasis brackets still in it).</param>
public readonly record struct PromptScheduleEntry(int EndStep, string Text);

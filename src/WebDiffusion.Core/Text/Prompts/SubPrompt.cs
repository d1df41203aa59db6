namespace WebDiffusion.Core.Text.Prompts;

/// <summary>One <c>AND</c>-separated part of a prompt and its composable-diffusion weight.</summary>
/// <param name="Text">The sub-prompt text (leading whitespace kept, trailing whitespace and <c>:weight</c> removed).</param>
/// <param name="Weight">Its weight in <c>uncond + Σ wᵢ·cfg·(condᵢ − uncond)</c>; 1.0 when not given.</param>
public readonly record struct SubPrompt(string Text, double Weight);

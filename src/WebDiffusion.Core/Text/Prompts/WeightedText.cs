namespace WebDiffusion.Core.Text.Prompts;

/// <summary>A run of prompt text with its emphasis multiplier, or a <c>BREAK</c> marker.</summary>
/// <param name="Text">The literal text (escapes resolved); empty for a break.</param>
/// <param name="Weight">The multiplier applied to the run's tokens (1.0 = neutral).</param>
/// <param name="IsBreak">True for a <c>BREAK</c> marker: the current 75-token chunk ends here.</param>
public readonly record struct WeightedText(string Text, double Weight, bool IsBreak = false)
{
    /// <summary>The <c>BREAK</c> marker.</summary>
    public static WeightedText Break { get; } = new(string.Empty, -1, true);
}

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>A prompt after the first stages of A1111's processing: extra networks removed, <c>AND</c> split.</summary>
/// <param name="Original">The prompt as written.</param>
/// <param name="Text">The prompt with extra-network tags removed.</param>
/// <param name="ExtraNetworks">The tags found, in order.</param>
/// <param name="SubPrompts">The <c>AND</c> parts with their weights (one when the prompt has no <c>AND</c>).</param>
public sealed record ParsedPrompt(string Original, string Text, IReadOnlyList<ExtraNetworkTag> ExtraNetworks, IReadOnlyList<SubPrompt> SubPrompts)
{
    /// <summary>
    /// Runs the stages in A1111's order: extra networks are extracted and removed, then the text is split on <c>AND</c>.
    /// Scheduling (<see cref="PromptScheduleParser"/>) and emphasis (<see cref="EmphasisParser"/>) apply per sub-prompt.
    /// </summary>
    public static ParsedPrompt Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var (text, tags) = ExtraNetworkParser.Extract(prompt);
        return new ParsedPrompt(prompt, text, tags, CompositePromptSplitter.Split(text));
    }
}

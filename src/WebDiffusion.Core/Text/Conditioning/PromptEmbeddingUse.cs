using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>
/// Which textual-inversion embeddings a prompt would insert, found the way conditioning finds them: extra networks
/// removed, <c>AND</c> split (positive prompts only), every prompt-editing/alternation variant tokenized.
/// </summary>
public static class PromptEmbeddingUse
{
    /// <summary>The names of the embeddings <paramref name="prompt"/> uses, in order of first use.</summary>
    /// <param name="chunker">The chunker generation uses (same tokenizer, embeddings and options).</param>
    /// <param name="prompt">The prompt as written.</param>
    /// <param name="steps">First-pass steps (denoiser calls) of the schedule.</param>
    /// <param name="hiresSteps">Hires-pass steps for a hires prompt, else null.</param>
    /// <param name="composable">True for a positive prompt (split on <c>AND</c>); false for a negative prompt.</param>
    public static IReadOnlyList<string> Find(PromptChunker chunker, string prompt, int steps, int? hiresSteps, bool composable)
    {
        ArgumentNullException.ThrowIfNull(chunker);
        ArgumentNullException.ThrowIfNull(prompt);
        var plain = ExtraNetworkParser.Extract(prompt).Text;
        IEnumerable<string> parts = composable ? CompositePromptSplitter.Split(plain).Select(p => p.Text) : [plain];
        var names = new List<string>();
        var texts = parts.SelectMany(p => PromptScheduleParser.GetSchedule(p, steps, hiresSteps)).Select(e => e.Text).Distinct(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var chunk in chunker.Tokenize(text).Chunks)
            {
                foreach (var insertion in chunk.Insertions)
                {
                    if (!names.Contains(insertion.Embedding.Name, StringComparer.Ordinal))
                    {
                        names.Add(insertion.Embedding.Name);
                    }
                }
            }
        }

        return names;
    }
}

using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Embeddings;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// What a run's prompts do with textual-inversion embeddings, for the infotext and the job: A1111's "TI hashes" value
/// (the positive prompt's embeddings, then the negative prompt's, each <c>name: hash12</c>; ':' and ',' removed from names)
/// and a warning per embedding the prompt names that this model cannot use (another width): A1111 skips such a file and
/// the word stays plain text, so the job runs.
/// </summary>
internal static class PromptEmbeddingReport
{
    /// <summary>The "TI hashes" value (null when no embedding is used) and the warnings.</summary>
    public static (string? TiHashes, IReadOnlyList<string> Warnings) For(
        ConditioningBuilder builder, TextualInversionLibrary? library, GenerationRequest request, int steps, ConditioningOptions options)
    {
        if (library is null || library.Embeddings.Count == 0)
        {
            return (null, []);
        }

        var byName = library.Embeddings.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var hashes = new List<string>();
        foreach (var (text, composable) in new[] { (request.Prompt, true), (request.NegativePrompt, false) })
        {
            foreach (var name in PromptEmbeddingUse.Find(builder.Chunker, text, steps, null, composable))
            {
                if (byName.TryGetValue(name, out var embedding) && embedding.SourcePath is { } path)
                {
                    hashes.Add($"{name.Replace(":", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal)}: {EmbeddingHash.ShortHash(path)}");
                }
            }
        }

        return (hashes.Count > 0 ? string.Join(", ", hashes) : null, SkippedWarnings(builder, library, request, steps, options));
    }

    private static List<string> SkippedWarnings(ConditioningBuilder builder, TextualInversionLibrary library, GenerationRequest request, int steps, ConditioningOptions options)
    {
        var warnings = new List<string>();
        if (builder.SkippedEmbeddings.Count == 0)
        {
            return warnings;
        }

        var skipped = builder.SkippedEmbeddings.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var unusable = library.Embeddings.Where(e => skipped.ContainsKey(e.Name)).ToList();
        var chunker = ConditioningBuilder.CreateChunker(builder.Chunker.Tokenizer, unusable, 0, options);
        var names = new List<string>();
        foreach (var (text, composable) in new[] { (request.Prompt, true), (request.NegativePrompt, false) })
        {
            names.AddRange(PromptEmbeddingUse.Find(chunker, text, steps, null, composable).Where(n => !names.Contains(n, StringComparer.Ordinal)));
        }

        foreach (var name in names)
        {
            var entry = skipped[name];
            warnings.Add($"Textual-inversion embedding '{name}' ({entry.Path}) was skipped and the word left as text: {entry.Reason}");
        }

        return warnings;
    }
}

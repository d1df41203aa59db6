namespace WebDiffusion.Core.Lora;

/// <summary>What applying a set of LoRA did: how many weights it changed, whether the merge came from the cache, and warnings.</summary>
/// <param name="ChangedWeights">Checkpoint weights whose bound values differ from the file's.</param>
/// <param name="FromCache">True when the merged weights were kept from an earlier job with the same set.</param>
/// <param name="Warnings">A sentence per LoRA that was skipped in whole or in part, naming the file.</param>
public sealed record LoraApplication(int ChangedWeights, bool FromCache, IReadOnlyList<string> Warnings);

namespace WebDiffusion.Core.Generation;

/// <summary>What a run produced, for A1111's <c>info</c> JSON: the resolved seeds and the per-image infotexts.</summary>
public sealed record GenerationResult(
    string Prompt,
    string NegativePrompt,
    long Seed,
    long Subseed,
    IReadOnlyList<long> AllSeeds,
    IReadOnlyList<long> AllSubseeds,
    IReadOnlyList<string> Infotexts,
    string SamplerName,
    string SchedulerLabel,
    int ImagesDone,
    bool IsUsingInpaintingConditioning)
{
    /// <summary>
    /// Warnings about the run that did not stop it (A1111's <c>comments</c>): an embedding or extra network the prompt names
    /// that this model cannot use, each naming the file and the reason.
    /// </summary>
    public IReadOnlyList<string> Comments { get; init; } = [];
}

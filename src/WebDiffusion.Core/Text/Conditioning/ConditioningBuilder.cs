using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Prompts;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>
/// Turns prompt texts into text-encoder conditioning the way A1111 does: extra networks removed, prompt-editing schedule, emphasis, 75-token chunks, one encoder call per chunk, weights applied with mean restore,
/// chunks concatenated. Each distinct scheduled text is encoded once (cached). One builder per generation job:
/// instances are not thread-safe.
/// </summary>
public sealed class ConditioningBuilder
{
    private readonly ITextEncoder _encoder;
    private readonly ConditioningOptions _options;
    private readonly Dictionary<string, PromptConditioning> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a builder.</summary>
    /// <param name="encoder">The model's text encoder.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="embeddings">Textual-inversion embeddings; those whose width differs from the encoder's are skipped (see <see cref="SkippedEmbeddings"/>).</param>
    /// <param name="options">Emphasis mode, comma backtrack, clip skip; defaults as A1111.</param>
    public ConditioningBuilder(ITextEncoder encoder, ClipTokenizer tokenizer, IEnumerable<TextualInversionEmbedding>? embeddings = null, ConditioningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _encoder = encoder;
        _options = options ?? new ConditioningOptions();
        if (_options.ClipSkip < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ClipSkip, "Clip skip must be 1 or more.");
        }

        var (usable, skipped) = Partition(embeddings, encoder.HiddenSize);
        SkippedEmbeddings = skipped;
        Chunker = new PromptChunker(tokenizer, usable, _options.CommaPaddingBacktrack, _options.Emphasis);
    }

    /// <summary>Embeddings not usable with this encoder, with the reason.</summary>
    public IReadOnlyList<SkippedEmbedding> SkippedEmbeddings { get; }

    /// <summary>The chunker (tokenizer, embeddings, comma backtrack) in use.</summary>
    public PromptChunker Chunker { get; }

    /// <summary>
    /// The chunker a builder with these settings uses, without an encoder (e.g. to count tokens exactly as generation
    /// will): embeddings are filtered alike; <paramref name="hiddenSize"/> 0 = the model's width is unknown, keep all widths.
    /// </summary>
    public static PromptChunker CreateChunker(ClipTokenizer tokenizer, IEnumerable<TextualInversionEmbedding>? embeddings, int hiddenSize, ConditioningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new ConditioningOptions();
        return new PromptChunker(tokenizer, Partition(embeddings, hiddenSize).Usable, options.CommaPaddingBacktrack, options.Emphasis);
    }

    private static (List<TextualInversionEmbedding> Usable, List<SkippedEmbedding> Skipped) Partition(IEnumerable<TextualInversionEmbedding>? embeddings, int hiddenSize)
    {
        var usable = new List<TextualInversionEmbedding>();
        var skipped = new List<SkippedEmbedding>();
        foreach (var embedding in embeddings ?? [])
        {
            if (hiddenSize > 0 && embedding.Dimension != hiddenSize)
            {
                skipped.Add(new SkippedEmbedding(embedding.Name, embedding.SourcePath, $"its vectors are {embedding.Dimension} wide but this model's text encoder uses {hiddenSize} (made for another model family)."));
            }
            else if (embedding.VectorCount > PromptChunker.ChunkLength)
            {
                skipped.Add(new SkippedEmbedding(embedding.Name, embedding.SourcePath, $"it has {embedding.VectorCount} vectors; at most {PromptChunker.ChunkLength} fit in a prompt chunk."));
            }
            else
            {
                usable.Add(embedding);
            }
        }

        return (usable, skipped);
    }

    /// <summary>
    /// The schedule of conditionings for one prompt text over <paramref name="steps"/> sampler steps (denoiser calls):
    /// one <c>AND</c> part of a prompt (split beforehand with <see cref="ParsedPrompt.Parse"/>, its weight kept by the
    /// caller) or a negative prompt, which A1111 never splits: <c>AND</c> and a trailing <c>:weight</c> are plain text
    /// here. Extra-network tags are removed; prompt editing, alternation and emphasis apply.
    /// </summary>
    /// <param name="text">The prompt text.</param>
    /// <param name="steps">First-pass steps in denoiser calls.</param>
    /// <param name="hiresSteps">For the hires pass: its steps in denoiser calls (A1111's hires timeline); null otherwise.</param>
    /// <param name="cancellationToken">Stops encoding.</param>
    /// <exception cref="PromptConditioningException">The encoder cannot honour the request (clip skip, embeddings).</exception>
    public async Task<ConditioningSchedule> BuildScheduleAsync(string text, int steps, int? hiresSteps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = ExtraNetworkParser.Extract(text).Text;
        var schedule = PromptScheduleParser.GetSchedule(plain, steps, hiresSteps, _options.UseOldScheduling);
        var entries = new List<ConditioningScheduleEntry>(schedule.Count);
        foreach (var entry in schedule)
        {
            var conditioning = await EncodeTextAsync(entry.Text, cancellationToken).ConfigureAwait(false);
            entries.Add(new ConditioningScheduleEntry(entry.EndStep, entry.Text, conditioning));
        }

        return new ConditioningSchedule(entries);
    }

    /// <summary>Encodes one prompt text (emphasis syntax allowed; no scheduling or <c>AND</c> processing).</summary>
    public async ValueTask<PromptConditioning> EncodeTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var tokenized = Chunker.Tokenize(text);
        var conditioning = await EncodeChunksAsync(tokenized, cancellationToken).ConfigureAwait(false);
        if (_cache.Count >= _options.MaxCachedTexts)
        {
            _cache.Clear();
        }

        _cache[text] = conditioning;
        return conditioning;
    }

    /// <summary>
    /// Appends encoded empty-prompt chunks to the shorter of <paramref name="cond"/> and <paramref name="uncond"/>
    /// so both have the same chunk count (A1111 <c>pad_cond_uncond</c>).
    /// </summary>
    public async Task<(PromptConditioning Cond, PromptConditioning Uncond)> PadToSameChunkCountAsync(PromptConditioning cond, PromptConditioning uncond, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cond);
        ArgumentNullException.ThrowIfNull(uncond);
        var chunks = Math.Max(cond.ChunkCount, uncond.ChunkCount);
        return (await PadToChunkCountAsync(cond, chunks, cancellationToken).ConfigureAwait(false),
            await PadToChunkCountAsync(uncond, chunks, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Appends encoded empty-prompt chunks until <paramref name="conditioning"/> has <paramref name="chunkCount"/> chunks.</summary>
    public async Task<PromptConditioning> PadToChunkCountAsync(PromptConditioning conditioning, int chunkCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conditioning);
        if (conditioning.ChunkCount >= chunkCount)
        {
            return conditioning;
        }

        var empty = await EncodeTextAsync(string.Empty, cancellationToken).ConfigureAwait(false);
        var chunkValues = PromptConditioning.TokensPerChunk * conditioning.HiddenSize;
        var hidden = new float[chunkCount * chunkValues];
        conditioning.Hidden.Span.CopyTo(hidden);
        for (var c = conditioning.ChunkCount; c < chunkCount; c++)
        {
            empty.Hidden.Span[..chunkValues].CopyTo(hidden.AsSpan(c * chunkValues, chunkValues));
        }

        return new PromptConditioning(hidden, chunkCount, conditioning.HiddenSize, conditioning.TokenCount);
    }

    private async Task<PromptConditioning> EncodeChunksAsync(TokenizedPrompt tokenized, CancellationToken cancellationToken)
    {
        if (_options.ClipSkip > 1 && !_encoder.SupportsClipSkip)
        {
            throw new PromptConditioningException($"This model's text encoder cannot skip layers (clip skip {_options.ClipSkip} was requested); set clip skip to 1.");
        }

        var width = _encoder.HiddenSize;
        var chunkValues = PromptConditioning.TokensPerChunk * width;
        var hidden = new float[tokenized.Chunks.Count * chunkValues];
        for (var c = 0; c < tokenized.Chunks.Count; c++)
        {
            var chunk = tokenized.Chunks[c];
            if (chunk.Insertions.Count > 0 && !_encoder.SupportsEmbeddingInsertion)
            {
                throw new PromptConditioningException(
                    $"This model's text encoder cannot use textual-inversion embeddings; remove '{chunk.Insertions[0].Embedding.Name}' from the prompt.");
            }

            var slice = hidden.AsMemory(c * chunkValues, chunkValues);
            await _encoder.EncodeAsync(new TextEncoderInput(chunk.Ids, chunk.Insertions, _options.ClipSkip), slice, cancellationToken).ConfigureAwait(false);
            EmphasisApplier.Apply(slice.Span, chunk.Weights, width, _options.Emphasis);
        }

        return new PromptConditioning(hidden, tokenized.Chunks.Count, width, tokenized.TokenCount);
    }
}

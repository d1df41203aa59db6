using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Prompts;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>
/// A1111's <c>tokenize_line</c>: emphasis runs are tokenized separately and packed into chunks of 75 tokens
/// (77 with BOS/EOS) with per-token weights; <c>BREAK</c> ends a chunk; comma backtracking moves the words after a
/// recent comma to the next chunk; textual-inversion triggers (matched by token ids, longest first) occupy their
/// vector count in slots and never straddle a chunk. Short chunks are padded with EOS, then — for tokenizers whose pad
/// id differs (SD2.x) — every slot after the first EOS holds the pad id.
/// </summary>
public sealed class PromptChunker
{
    /// <summary>Prompt tokens per chunk (77 minus BOS and EOS).</summary>
    public const int ChunkLength = 75;

    /// <summary>
    /// Largest magnitude of a token weight: deeper nesting (e.g. 10,000 parentheses, 1.1^10000 = ∞) is clamped so the
    /// conditioning stays finite (A1111 would produce NaN images).
    /// </summary>
    public const float MaxWeight = 1000f;

    private readonly ClipTokenizer _tokenizer;
    private readonly Dictionary<int, List<(int[] Ids, TextualInversionEmbedding Embedding)>> _triggers = [];
    private readonly int _commaBacktrack;
    private readonly bool _parseEmphasis;

    /// <summary>Creates a chunker.</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="embeddings">Textual-inversion embeddings to recognise (already filtered to the model's width).</param>
    /// <param name="commaPaddingBacktrack">A1111 <c>comma_padding_backtrack</c> (0–74, default 20; 0 disables).</param>
    /// <param name="emphasis">With <see cref="EmphasisMode.None"/> brackets are literal text.</param>
    public PromptChunker(ClipTokenizer tokenizer, IEnumerable<TextualInversionEmbedding>? embeddings = null, int commaPaddingBacktrack = 20, EmphasisMode emphasis = EmphasisMode.Original)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegative(commaPaddingBacktrack);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(commaPaddingBacktrack, ChunkLength - 1);
        _tokenizer = tokenizer;
        _commaBacktrack = commaPaddingBacktrack;
        _parseEmphasis = emphasis != EmphasisMode.None;
        foreach (var embedding in embeddings ?? [])
        {
            if (embedding.VectorCount > ChunkLength)
            {
                throw new ArgumentException($"Embedding '{embedding.Name}' has {embedding.VectorCount} vectors; at most {ChunkLength} fit in a chunk.", nameof(embeddings));
            }

            var ids = tokenizer.Encode(embedding.Name);
            if (ids.Length == 0)
            {
                continue;
            }

            if (!_triggers.TryGetValue(ids[0], out var list))
            {
                _triggers[ids[0]] = list = [];
            }

            list.Add((ids, embedding));
            list.Sort((a, b) => b.Ids.Length.CompareTo(a.Ids.Length));
        }
    }

    /// <summary>The tokenizer in use.</summary>
    public ClipTokenizer Tokenizer => _tokenizer;

    /// <summary>Tokenizes one prompt text (no <c>AND</c>, no scheduling syntax left) into chunks.</summary>
    public TokenizedPrompt Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<WeightedText> runs = _parseEmphasis ? EmphasisParser.Parse(text) : [new WeightedText(text, 1.0)];
        var state = new ChunkState(_tokenizer);
        var tokens = new List<int>();
        foreach (var run in runs)
        {
            if (run.IsBreak)
            {
                state.Finish();
                continue;
            }

            tokens.Clear();
            _tokenizer.Encode(run.Text, tokens);
            var weight = (float)Math.Clamp(run.Weight, -MaxWeight, MaxWeight);
            var position = 0;
            while (position < tokens.Count)
            {
                var token = tokens[position];
                if (token == _tokenizer.CommaId)
                {
                    state.LastComma = state.Count;
                }
                else if (_commaBacktrack != 0 && state.Count == ChunkLength && state.LastComma != -1 && state.Count - state.LastComma <= _commaBacktrack)
                {
                    state.BreakAfterLastComma();
                }

                if (state.Count == ChunkLength)
                {
                    state.Finish();
                }

                var (embedding, triggerLength) = FindEmbedding(tokens, position);
                if (embedding is null)
                {
                    state.Add(token, weight);
                    position++;
                    continue;
                }

                if (state.Count + embedding.VectorCount > ChunkLength)
                {
                    state.Finish();
                }

                state.AddEmbedding(embedding, weight);
                position += triggerLength;
            }
        }

        if (state.Count > 0 || state.Chunks.Count == 0)
        {
            state.Finish();
        }

        return new TokenizedPrompt(state.Chunks, state.TokenCount);
    }

    private (TextualInversionEmbedding? Embedding, int Length) FindEmbedding(List<int> tokens, int position)
    {
        if (_triggers.Count == 0 || !_triggers.TryGetValue(tokens[position], out var candidates))
        {
            return (null, 0);
        }

        foreach (var (ids, embedding) in candidates)
        {
            if (position + ids.Length <= tokens.Count && System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens).Slice(position, ids.Length).SequenceEqual(ids))
            {
                return (embedding, ids.Length);
            }
        }

        return (null, 0);
    }

    private sealed class ChunkState(ClipTokenizer tokenizer)
    {
        private readonly List<int> _ids = new(ChunkLength);
        private readonly List<float> _weights = new(ChunkLength);
        private readonly List<EmbeddingInsertion> _insertions = [];

        public List<PromptChunk> Chunks { get; } = [];

        public int TokenCount { get; private set; }

        public int LastComma { get; set; } = -1;

        public int Count => _ids.Count;

        public void Add(int id, float weight)
        {
            _ids.Add(id);
            _weights.Add(weight);
        }

        public void AddEmbedding(TextualInversionEmbedding embedding, float weight)
        {
            _insertions.Add(new EmbeddingInsertion(_ids.Count, embedding));
            for (var i = 0; i < embedding.VectorCount; i++)
            {
                Add(0, weight);
            }
        }

        /// <summary>Moves the tokens after the last comma into a new chunk (embeddings move with them).</summary>
        public void BreakAfterLastComma()
        {
            var cut = LastComma + 1;
            var movedIds = _ids.GetRange(cut, _ids.Count - cut);
            var movedWeights = _weights.GetRange(cut, _weights.Count - cut);
            var movedInsertions = _insertions.Where(e => e.Position >= cut).Select(e => e with { Position = e.Position - cut }).ToList();
            _ids.RemoveRange(cut, _ids.Count - cut);
            _weights.RemoveRange(cut, _weights.Count - cut);
            _insertions.RemoveAll(e => e.Position >= cut);
            Finish();
            _ids.AddRange(movedIds);
            _weights.AddRange(movedWeights);
            _insertions.AddRange(movedInsertions);
        }

        public void Finish()
        {
            var ids = new int[ChunkLength + 2];
            var weights = new float[ChunkLength + 2];
            Array.Fill(ids, tokenizer.EosId);
            Array.Fill(weights, 1f);
            ids[0] = tokenizer.BosId;
            for (var i = 0; i < _ids.Count; i++)
            {
                ids[i + 1] = _ids[i];
                weights[i + 1] = _weights[i];
            }

            if (tokenizer.PadId != tokenizer.EosId)
            {
                var firstEos = Array.IndexOf(ids, tokenizer.EosId);
                for (var i = firstEos + 1; i < ids.Length; i++)
                {
                    ids[i] = tokenizer.PadId;
                }
            }

            var insertions = _insertions.Select(e => e with { Position = e.Position + 1 }).ToArray();
            Chunks.Add(new PromptChunk(ids, weights, insertions, _ids.Count));
            TokenCount += _ids.Count;
            _ids.Clear();
            _weights.Clear();
            _insertions.Clear();
            LastComma = -1;
        }
    }
}

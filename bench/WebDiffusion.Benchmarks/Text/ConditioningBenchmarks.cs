using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Benchmarks.Text;

/// <summary>Building conditioning for a ~300-token prompt with a constant-time fake encoder (CLIP-L width 768).</summary>
[MemoryDiagnoser]
public class ConditioningBenchmarks
{
    private string _prompt = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Enumerable.Range(0, 48).Select(i => i % 3 == 0 ? $"(detail{i}:1.2)" : i % 3 == 1 ? $"[soft {i}]" : $"word{i} thing");
        _prompt = string.Join(", ", parts) + ", [cat:dog:10]";
        var tokens = ClipTokenizer.Default.CountTokens(_prompt);
        Console.WriteLine($"// prompt: {_prompt.Length} chars, ~{tokens} tokens");
    }

    [Benchmark]
    public async Task<int> BuildSchedule300Tokens()
    {
        var builder = new ConditioningBuilder(new ConstantEncoder(), ClipTokenizer.Default);
        var schedule = await builder.BuildScheduleAsync(_prompt, 20).ConfigureAwait(false);
        return schedule.MaxChunkCount;
    }

    private sealed class ConstantEncoder : ITextEncoder
    {
        public int HiddenSize => 768;

        public bool SupportsClipSkip => true;

        public bool SupportsEmbeddingInsertion => true;

        public ValueTask EncodeAsync(TextEncoderInput input, Memory<float> hidden, CancellationToken cancellationToken)
        {
            var span = hidden.Span;
            var ids = input.TokenIds.Span;
            for (var i = 0; i < 77; i++)
            {
                span.Slice(i * 768, 768).Fill((ids[i] % 97) / 97f + 0.1f);
            }

            return ValueTask.CompletedTask;
        }
    }
}

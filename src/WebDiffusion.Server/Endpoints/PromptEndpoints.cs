using System.Text.Json;
using System.Text.Json.Serialization;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Prompts;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Server.Generation;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Endpoints;

/// <summary>
/// <c>POST /api/prompt/tokenize</c>: token count and 77-token chunks of a prompt, as the UI's token counter needs, counted
/// with the embeddings and text options (<c>emphasis</c>, <c>comma_padding_backtrack</c>) generation uses.
/// <c>"negative": true</c> counts a negative prompt (no AND split).
/// </summary>
public static class PromptEndpoints
{
    /// <summary>Longest prompt accepted, in characters.</summary>
    public const int MaxPromptChars = 32 * 1024;

    private const int MaxBodyBytes = 256 * 1024;
    private const int DefaultSteps = 20;

    public static IEndpointRouteBuilder MapPromptEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/prompt/tokenize", TokenizeAsync);
        return endpoints;
    }

    private static async Task<IResult> TokenizeAsync(
        HttpRequest request, IPromptTokenizerSource tokenizers, EmbeddingLibrarySource embeddings, SdApiOptionsStore options, ModelCache models, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return Error($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        TokenizeRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<TokenizeRequest>(request.Body, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Error("The body must be JSON like {\"prompt\": \"a photo of a cat\"}.");
        }

        if (body?.Prompt is null)
        {
            return Error("Missing \"prompt\": send {\"prompt\": \"...\"}.");
        }

        if (body.Prompt.Length > MaxPromptChars)
        {
            return Error($"The prompt has {body.Prompt.Length} characters; the limit is {MaxPromptChars}.");
        }

        var steps = body.Steps ?? DefaultSteps;
        if (steps is < 1 or > 1000)
        {
            return Error("\"steps\" must be between 1 and 1000.");
        }

        // Count exactly as generation will: the same embeddings (filtered to the model's width) and the stored text options.
        var settings = TextSettings.Resolve(new GenerationRequest(), options.Read()).Options;
        var chunker = ConditioningBuilder.CreateChunker(tokenizers.Current, embeddings.Current.Embeddings, models.Describe(null)?.TextHiddenSize ?? 0, settings);
        var plain = ExtraNetworkParser.Extract(body.Prompt).Text;
        IEnumerable<string> parts = body.Negative == true ? [plain] : CompositePromptSplitter.Split(plain).Select(p => p.Text);
        TokenizedPrompt? longest = null;
        foreach (var text in parts.SelectMany(p => PromptScheduleParser.GetSchedule(p, steps)).Select(e => e.Text).Distinct(StringComparer.Ordinal))
        {
            var tokenized = chunker.Tokenize(text);
            if (longest is null || tokenized.TokenCount > longest.TokenCount)
            {
                longest = tokenized;
            }
        }

        var result = longest!;
        return Results.Ok(new TokenizeResponse(
            result.TokenCount,
            result.Chunks.Select(c => new TokenizeChunk(c.Ids, c.Weights)).ToArray()));
    }

    private static IResult Error(string message) => Results.BadRequest(new ErrorResponse(message));

    /// <param name="Prompt">The prompt text.</param>
    /// <param name="Steps">Steps for the prompt-editing schedule (the longest variant is counted).</param>
    /// <param name="Negative">True for a negative prompt, which is not split on AND (A1111's negative is not composable).</param>
    private sealed record TokenizeRequest(
        [property: JsonPropertyName("prompt")] string? Prompt, [property: JsonPropertyName("steps")] int? Steps, [property: JsonPropertyName("negative")] bool? Negative);

    private sealed record TokenizeResponse(int TokenCount, IReadOnlyList<TokenizeChunk> Chunks);

    private sealed record TokenizeChunk(int[] Ids, float[] Weights);

    private sealed record ErrorResponse(string Error);
}

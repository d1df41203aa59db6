using System.Text.Json;
using System.Text.Json.Serialization;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Prompts;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Server.Endpoints;

/// <summary><c>POST /api/prompt/tokenize</c>: token count and 77-token chunks of a prompt, as the UI's token counter needs.</summary>
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

    private static async Task<IResult> TokenizeAsync(HttpRequest request, IPromptTokenizerSource tokenizers, CancellationToken cancellationToken)
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

        var chunker = new PromptChunker(tokenizers.Current);
        var parsed = ParsedPrompt.Parse(body.Prompt);
        TokenizedPrompt? longest = null;
        foreach (var text in parsed.SubPrompts.SelectMany(s => PromptScheduleParser.GetSchedule(s.Text, steps)).Select(e => e.Text).Distinct(StringComparer.Ordinal))
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

    private sealed record TokenizeRequest([property: JsonPropertyName("prompt")] string? Prompt, [property: JsonPropertyName("steps")] int? Steps);

    private sealed record TokenizeResponse(int TokenCount, IReadOnlyList<TokenizeChunk> Chunks);

    private sealed record TokenizeChunk(int[] Ids, float[] Weights);

    private sealed record ErrorResponse(string Error);
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Prompt;

public class PromptTokenizeEndpointTests
{
    private static readonly Uri Tokenize = new("/api/prompt/tokenize", UriKind.Relative);

    [Fact]
    public async Task Tokenize_returns_count_chunks_ids_and_weights()
    {
        await using var server = await LoopbackServer.StartAsync();

        var response = await server.Client.PostAsJsonAsync(Tokenize, new { prompt = "a photo of a (cat:1.5) <lora:style:0.7>" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal(5, root.GetProperty("tokenCount").GetInt32());
        var chunk = Assert.Single(root.GetProperty("chunks").EnumerateArray());
        var ids = chunk.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var weights = chunk.GetProperty("weights").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(77, ids.Length);
        Assert.Equal(77, weights.Length);

        // "a photo of a cat" from the published CLIP pairs, then EOS padding.
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407], ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(49407, id));
        Assert.Equal(1.5f, weights[5]);
        Assert.All(weights.Where((_, i) => i != 5), w => Assert.Equal(1f, w));
    }

    [Fact]
    public async Task Long_prompts_give_several_chunks()
    {
        await using var server = await LoopbackServer.StartAsync();
        var prompt = string.Join(", ", Enumerable.Repeat("cat", 60)); // 119 tokens
        using var doc = JsonDocument.Parse(await (await server.Client.PostAsJsonAsync(Tokenize, new { prompt })).Content.ReadAsStringAsync());
        Assert.Equal(119, doc.RootElement.GetProperty("tokenCount").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("chunks").GetArrayLength());
    }

    [Fact]
    public async Task Bad_requests_get_400_with_an_error_message()
    {
        await using var server = await LoopbackServer.StartAsync();

        async Task AssertBadRequest(HttpContent content, string expectedFragment)
        {
            var response = await server.Client.PostAsync(Tokenize, content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains(expectedFragment, doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await AssertBadRequest(JsonContent.Create(new { text = "x" }), "prompt");
        await AssertBadRequest(new StringContent("{not json", Encoding.UTF8, "application/json"), "JSON");
        await AssertBadRequest(JsonContent.Create(new { prompt = new string('a', 40_000) }), "limit");
    }

    [Fact]
    public async Task Hostile_prompt_within_the_cap_is_answered()
    {
        await using var server = await LoopbackServer.StartAsync();
        var prompt = new string('(', 16_000) + "cat" + new string('[', 16_000);
        var response = await server.Client.PostAsJsonAsync(Tokenize, new { prompt });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, doc.RootElement.GetProperty("tokenCount").GetInt32());
    }
}

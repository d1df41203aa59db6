using System.Net;
using System.Net.Http.Json;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.SdApi;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>Every client text field is bounded like the prompt, and what a client names is logged escaped and capped.</summary>
public class TextFieldBoundsTests
{
    [Theory]
    [InlineData("hr_prompt")]
    [InlineData("hr_negative_prompt")]
    public async Task An_oversized_hires_prompt_is_refused_at_submit_naming_the_field(string field)
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => SdApiFixtures.WriteTinyModel(root, "tiny"));
        var body = new Dictionary<string, object> { ["prompt"] = "a house", ["enable_hr"] = true, ["steps"] = 2, [field] = new string('x', 40_000) };

        var error = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", body), HttpStatusCode.UnprocessableEntity);

        Assert.Contains($"{field} has 40000 characters", error.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_override_value_is_refused()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => SdApiFixtures.WriteTinyModel(root, "tiny"));
        var body = new { prompt = "a house", steps = 2, override_settings = new Dictionary<string, object> { ["some_option"] = new string('x', 40_000) } };

        var error = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", body), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("override_settings key 'some_option'", error.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Logged_client_text_cannot_start_a_new_line_and_is_capped()
    {
        var forged = LogText.Escape("key\n2026-12-03 [ERR] FORGED\r\0" + new string('a', 500));

        Assert.DoesNotContain('\n', forged);
        Assert.DoesNotContain('\r', forged);
        Assert.DoesNotContain('\0', forged);
        Assert.StartsWith("key\\u000a2026-12-03 [ERR] FORGED\\u000d\\u0000", forged, StringComparison.Ordinal);
        Assert.True(forged.Length < LogText.MaxValueChars + 20, forged);
        var many = LogText.List(Enumerable.Range(0, 1000).Select(i => "k" + i))!;
        Assert.EndsWith("… and 980 more", many, StringComparison.Ordinal);
        Assert.Null(LogText.List([]));
    }
}

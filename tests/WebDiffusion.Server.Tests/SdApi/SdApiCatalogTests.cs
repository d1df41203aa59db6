using WebDiffusion.Server.Tests.Infrastructure;
using System.Net;
using System.Text.Json;

namespace WebDiffusion.Server.Tests.SdApi;

public class SdApiCatalogTests
{
    [Fact]
    public async Task Upscalers_and_latent_modes_match_A1111()
    {
        await using var server = await LoopbackServer.StartAsync();
        var upscalers = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/upscalers"), HttpStatusCode.OK);
        Assert.Equal(["None", "Lanczos", "Nearest"], upscalers.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        foreach (var upscaler in upscalers.EnumerateArray())
        {
            Assert.Equal(
                ["model_name", "model_path", "model_url", "name", "scale"],
                upscaler.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(JsonValueKind.Null, upscaler.GetProperty("model_path").ValueKind);
        }

        var modes = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/latent-upscale-modes"), HttpStatusCode.OK);
        Assert.Equal(
            ["Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)", "Latent (nearest)", "Latent (nearest-exact)"],
            modes.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("hypernetworks")]
    [InlineData("face-restorers")]
    [InlineData("realesrgan-models")]
    [InlineData("prompt-styles")]
    [InlineData("script-info")]
    [InlineData("extensions")]
    public async Task Unsupported_features_list_as_empty_arrays(string route)
    {
        await using var server = await LoopbackServer.StartAsync();
        var body = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/" + route), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        Assert.Empty(body.EnumerateArray());
    }

    [Fact]
    public async Task Scripts_and_memory_have_A1111_shapes()
    {
        await using var server = await LoopbackServer.StartAsync();
        var scripts = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/scripts"), HttpStatusCode.OK);
        Assert.Empty(scripts.GetProperty("txt2img").EnumerateArray());
        Assert.Empty(scripts.GetProperty("img2img").EnumerateArray());

        var memory = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/memory"), HttpStatusCode.OK);
        var ram = memory.GetProperty("ram");
        var total = ram.GetProperty("total").GetDouble();
        var used = ram.GetProperty("used").GetDouble();
        Assert.True(used > 1024 * 1024, $"used {used}");
        Assert.True(total > used, $"total {total} used {used}");
        Assert.Equal(total - used, ram.GetProperty("free").GetDouble());
        var cuda = memory.GetProperty("cuda").GetProperty("error").GetString();
        if (!File.Exists("/dev/nvidiactl"))
        {
            Assert.Equal("CUDA not available", cuda);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(cuda));
        }
    }

    [Fact]
    public async Task Cmd_flags_never_contain_credentials()
    {
        const string password = "Tr0ub4dor-and-3-horses";
        const string user = "alice-the-admin";
        await using var server = await LoopbackServer.StartAsync(["--api-auth", $"{user}:{password}", "--port", "0"]);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        var response = await client.GetAsync("/sdapi/v1/cmd-flags");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(user, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")), text, StringComparison.Ordinal);
        using var flags = JsonDocument.Parse(text);
        foreach (var secret in new[] { "api_auth", "gradio_auth", "gradio_auth_path", "ngrok", "tls_keyfile", "tls_certfile" })
        {
            Assert.False(flags.RootElement.TryGetProperty(secret, out _), secret);
        }

        Assert.Equal(0, flags.RootElement.GetProperty("port").GetInt32());
        Assert.False(flags.RootElement.GetProperty("listen").GetBoolean());
        Assert.True(flags.RootElement.GetProperty("api").GetBoolean());
        Assert.Equal(server.ModelsDir, flags.RootElement.GetProperty("models_dir").GetString());
        Assert.Equal(server.DataDir, flags.RootElement.GetProperty("data_dir").GetString());
    }
}

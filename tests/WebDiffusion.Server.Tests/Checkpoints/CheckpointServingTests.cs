using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.SdApi;

namespace WebDiffusion.Server.Tests.Checkpoints;

/// <summary>An A1111 .safetensors checkpoint dropped into models/Stable-diffusion is listed, selected and run over the real HTTP API.</summary>
public class CheckpointServingTests
{
    private static Task<LoopbackServer> StartAsync() => LoopbackServer.StartAsync(prepare: root =>
    {
        var checkpoints = Path.Combine(root, "models", "Stable-diffusion");
        CheckpointFiles.InstallTiny(checkpoints, "tiny-sd15.safetensors");
        CheckpointFiles.InstallTiny(Path.Combine(checkpoints, "anime"), "tiny-half.safetensors", fp16: true);
        CheckpointFiles.Write(Path.Combine(checkpoints, "xl-base.safetensors"),
            ("conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight", [4, 2]));
        CheckpointFiles.WriteWithHeaderLength(Path.Combine(checkpoints, "hostile.safetensors"), 1UL << 63, new byte[64]);
        CheckpointFiles.WriteWithHeaderLength(Path.Combine(checkpoints, "truncated.safetensors"), 4096, new byte[100]);
    });

    [Fact]
    public async Task Checkpoints_are_listed_with_A1111_titles_and_hashes_and_bad_files_do_not_hide_them()
    {
        await using var server = await StartAsync();

        var text = await server.Client.GetStringAsync("/sdapi/v1/sd-models");
        Assert.DoesNotContain(server.TempRoot, text, StringComparison.Ordinal);
        var models = JsonDocument.Parse(text).RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("model_name").GetString()!);
        Assert.Equal(["anime_tiny-half", "tiny-sd15"], models.Keys.Order(StringComparer.Ordinal));

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(CheckpointFiles.TinyFp32)));
        var tiny = models["tiny-sd15"];
        Assert.Equal(sha256, tiny.GetProperty("sha256").GetString());
        Assert.Equal(sha256[..10], tiny.GetProperty("hash").GetString());
        Assert.Equal($"tiny-sd15.safetensors [{sha256[..10]}]", tiny.GetProperty("title").GetString());
        Assert.Equal("Stable-diffusion/tiny-sd15.safetensors", tiny.GetProperty("filename").GetString());
        Assert.StartsWith("anime/tiny-half.safetensors [", models["anime_tiny-half"].GetProperty("title").GetString(), StringComparison.Ordinal);

        // Our own listing keeps the refused files, each with its reason.
        var all = (await server.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("error").GetString());
        Assert.Equal("not supported yet: SDXL", all["xl-base.safetensors"]);
        Assert.False(string.IsNullOrEmpty(all["hostile.safetensors"]));
        Assert.False(string.IsNullOrEmpty(all["truncated.safetensors"]));
        Assert.Null(all["tiny-sd15.safetensors"]);
    }

    [Fact]
    public async Task Txt2img_on_a_checkpoint_gives_the_image_A1111_computes_and_its_infotext_selects_it_again()
    {
        await using var server = await StartAsync();
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(CheckpointFiles.TinyFp32)))[..10];
        var body = new
        {
            prompt = "a photo of a cat",
            negative_prompt = string.Empty,
            steps = 10,
            cfg_scale = 7,
            seed = 1,
            sampler_name = "Euler",
            width = 16,
            height = 16,
            override_settings = new Dictionary<string, object> { ["sd_model_checkpoint"] = $"tiny-sd15.safetensors [{hash}]", ["randn_source"] = "CPU" },
        };

        var result = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", body), HttpStatusCode.OK);

        var png = PngDecoder.Decode(Convert.FromBase64String(result.GetProperty("images")[0].GetString()!));
        Assert.Equal((16, 16), (png.Image.Width, png.Image.Height));
        var expected = CheckpointFiles.ReferenceBytes("kd_euler_seed1_image_uint8");
        for (var i = 0; i < 16 * 16; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.InRange(png.Image.Pixels[(i * 4) + c] - expected[(i * 3) + c], -1, 1);
            }
        }

        var info = JsonDocument.Parse(result.GetProperty("info").GetString()!).RootElement;
        var parsed = InfotextParser.Parse(info.GetProperty("infotexts")[0].GetString()!);
        Assert.Equal(hash, parsed["Model hash"]);
        Assert.Equal("tiny-sd15", parsed["Model"]);

        // Pasting the infotext back: the model hash alone selects the checkpoint.
        var again = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", body with
        {
            override_settings = new Dictionary<string, object> { ["sd_model_checkpoint"] = hash, ["randn_source"] = "CPU" },
        }), HttpStatusCode.OK);
        Assert.Equal(result.GetProperty("images")[0].GetString(), again.GetProperty("images")[0].GetString());
    }

    [Fact]
    public async Task Sd_vae_picks_a_models_VAE_file_per_job_and_infotext_names_it()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            CheckpointFiles.InstallTiny(Path.Combine(root, "models", "Stable-diffusion"), "tiny-sd15.safetensors");
            CheckpointFiles.WriteStandaloneVae(Path.Combine(root, "models", "VAE", "tiny-vae.safetensors"));
        });
        var vaeHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(server.ModelsDir, "VAE", "tiny-vae.safetensors"))))[..10];
        object Body(string vae) => new
        {
            prompt = "a photo of a cat", steps = 4, seed = 3, sampler_name = "Euler", width = 16, height = 16,
            override_settings = new Dictionary<string, object> { ["sd_vae"] = vae },
        };

        var own = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", Body("None")), HttpStatusCode.OK);
        var separate = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", Body("tiny-vae.safetensors")), HttpStatusCode.OK);

        string Infotext(JsonElement result) => JsonDocument.Parse(result.GetProperty("info").GetString()!).RootElement.GetProperty("infotexts")[0].GetString()!;
        Assert.DoesNotContain("VAE", Infotext(own), StringComparison.Ordinal);
        var parsed = InfotextParser.Parse(Infotext(separate));
        Assert.Equal(vaeHash, parsed["VAE hash"]);
        Assert.Equal("tiny-vae.safetensors", parsed["VAE"]);
        // The file holds the checkpoint's own VAE weights, so the pixels are the same (the PNGs differ in their infotext).
        byte[] Pixels(JsonElement result) => PngDecoder.Decode(Convert.FromBase64String(result.GetProperty("images")[0].GetString()!)).Image.Pixels;
        Assert.Equal(Pixels(own), Pixels(separate));

        var unknown = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", Body("missing.safetensors")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("override_settings.sd_vae 'missing.safetensors'", unknown.GetRawText(), StringComparison.Ordinal);
    }
}

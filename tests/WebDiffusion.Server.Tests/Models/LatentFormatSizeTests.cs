using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.Jobs;

namespace WebDiffusion.Server.Tests.Models;

/// <summary>Submitted sizes follow the checkpoint's VAE: with a factor of 2 a 16×16 image is fine, 17 is not a multiple and 14 is too small.</summary>
public class LatentFormatSizeTests
{
    [Fact]
    public async Task Sizes_follow_the_vae_factor_of_the_checkpoint_the_job_runs_on()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root, "a-factor2", vaeScaleFactor: 2);
            DemoModel.Write(root, "b-sd");
        });

        var id = await JobApi.SubmitAsync(server.Client, new { mode = "txt2img", prompt = "a house", steps = 2, width = 24, height = 16, sampler_name = "Euler" });
        var job = await JobApi.WaitAsync(server.Client, id, TimeSpan.FromSeconds(60));
        Assert.Equal("done", job.GetProperty("state").GetString());
        var imageId = job.GetProperty("imageIds")[0].GetString();
        var png = PngDecoder.Decode(await server.Client.GetByteArrayAsync(new Uri($"/api/images/{imageId}", UriKind.Relative)));
        Assert.Equal((24, 16), (png.Image.Width, png.Image.Height));

        var odd = await ErrorsAsync(server, new { mode = "txt2img", prompt = "a house", width = 17, height = 14 });
        Assert.Equal("width must be a multiple of 2; got 17 (try 16 or 18).", odd.GetProperty("width")[0].GetString());
        Assert.Equal("height must be between 16 and 2048 (MaxSide); got 14.", odd.GetProperty("height")[0].GetString());

        // The SD checkpoint named by the request keeps SD's rule.
        var sd = await ErrorsAsync(server, new { mode = "txt2img", prompt = "a house", width = 24, height = 16, model = "b-sd" });
        Assert.Equal("width must be between 64 and 2048 (MaxSide); got 24.", sd.GetProperty("width")[0].GetString());
    }

    private static async Task<JsonElement> ErrorsAsync(LoopbackServer server, object body)
    {
        using var response = await server.Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("errors").Clone();
    }
}

using System.Text.Json;
using Microsoft.Data.Sqlite;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>At start-up the image index is reconciled with the PNGs under outputs/ (a crash between rename and AddImage).</summary>
public class OutputReconciliationTests
{
    private const string Lighthouse = "a lighthouse at dusk\nNegative prompt: fog\nSteps: 4, Sampler: Euler a, CFG scale: 5, Seed: 1234, Size: 24x16";

    private static byte[] Png(int width, int height, params (string Key, string Text)[] texts) =>
        PngEncoder.Encode(new RgbaImage(width, height), new PngEncoderOptions { Texts = [.. texts.Select(t => new KeyValuePair<string, string>(t.Key, t.Text))] });

    private static string Write(string root, string relative, byte[] bytes)
    {
        var full = Path.Combine(root, "data", "outputs", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    [Fact]
    public async Task Unindexed_pngs_are_indexed_from_their_text_and_rows_without_a_file_are_removed()
    {
        string jobId = string.Empty;
        var tied = Path.Combine("txt2img-images", "2024-07-27", "00000-1234.png");
        var stray = Path.Combine("txt2img-images", "2020-01-01", "00000-5.png");
        var extras = Path.Combine("extras-images", "00000.png");
        var truncated = Path.Combine("img2img-images", "2024-07-27", "00000-9.png");
        var indexedJunk = Path.Combine("txt2img-images", "2024-07-27", "00001-77.png");
        var gone = Path.Combine("txt2img-images", "2024-07-27", "00099-1.png");
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            var store = new JobStore(new WebDiffusionPaths(root, Path.Combine(root, "models"), Path.Combine(root, "data")));

            // The crash case: bob's job renamed its PNG while running, then the process died before AddImage.
            var job = store.Insert("bob", "txt2img", "{}");
            jobId = job.Id;
            Assert.True(store.TryStart(job.Id));
            Thread.Sleep(50); // file times come from a coarse kernel clock
            Write(root, tied, Png(24, 16, ("parameters", Lighthouse)));
            Thread.Sleep(50);
            store.Finish(job.Id, JobState.Interrupted, "crash");

            // A file no job was running for, an Extras result, a torn file, an indexed file that must not be reread.
            var old = Write(root, stray, Png(8, 8, ("parameters", "an old barn\nSteps: 2, Sampler: Euler, Seed: 5")));
            File.SetLastWriteTimeUtc(old, new DateTime(2020, 1, 1, 12, 0, 0, DateTimeKind.Utc));
            Write(root, extras, Png(16, 16, ("parameters", "a cat\nSeed: 3"), ("postprocessing", "Postprocess upscale by: 2, Postprocess upscaler: Nearest")));
            Write(root, truncated, Png(8, 8)[..40]);
            Write(root, indexedJunk, "not a png at all"u8.ToArray());
            store.AddImage(new ImageRecord("junk", job.Id, "bob", indexedJunk, 77, 8, 8, "kept as indexed", "kept as indexed", DateTimeOffset.UtcNow));
            store.AddImage(new ImageRecord("gone", job.Id, "bob", gone, 1, 8, 8, "deleted by hand", "deleted by hand", DateTimeOffset.UtcNow));
            SqliteConnection.ClearAllPools();
        });

        var store = server.Services.GetRequiredService<JobStore>();
        var all = store.SearchImages(null, null, 1, 100).Items.ToDictionary(i => i.RelativePath);
        Assert.Equal([extras, stray, tied, indexedJunk], all.Keys.Order(StringComparer.Ordinal));

        var recovered = all[tied];
        Assert.Equal((jobId, "bob", 1234L, 24, 16, ImageKind.Generated), (recovered.JobId, recovered.Owner, recovered.Seed, recovered.Width, recovered.Height, recovered.Kind));
        Assert.Equal(("a lighthouse at dusk", Lighthouse), (recovered.Prompt, recovered.Infotext));
        Assert.Contains(recovered.Id, store.Get(jobId)!.ImageIds);
        Assert.Equal(recovered.Id, Assert.Single(store.SearchImages("bob", "lighthouse", 1, 10).Items).Id);

        var orphan = all[stray];
        Assert.Equal((null, "local", 5L, "an old barn"), (orphan.JobId, orphan.Owner, orphan.Seed, orphan.Prompt));
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 12, 0, 0, TimeSpan.Zero), orphan.CreatedAt);

        var upscaled = all[extras];
        Assert.Equal((null, "local", ImageKind.Extras, string.Empty, "Postprocess upscale by: 2, Postprocess upscaler: Nearest", 16),
            (upscaled.JobId, upscaled.Owner, upscaled.Kind, upscaled.Prompt, upscaled.Infotext, upscaled.Width));
        Assert.Equal("kept as indexed", all[indexedJunk].Prompt);
        Assert.Null(store.GetImage("gone"));

        // Unauthenticated clients are the local owner: the stray and the Extras file are theirs, served by id.
        using var gallery = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/images", UriKind.Relative)));
        Assert.Equal(2, gallery.RootElement.GetProperty("total").GetInt32());
        var bytes = await server.Client.GetByteArrayAsync(new Uri("/api/images/" + orphan.Id, UriKind.Relative));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "outputs", stray)), bytes);

        // A second pass finds nothing new; the torn file stays out of the index.
        var again = await server.Services.GetRequiredService<OutputReconciler>().ReconcileAsync(CancellationToken.None);
        Assert.Equal(new OutputReconciliation(0, 0, 1), again);
    }
}

using WebDiffusion.Server.Generation;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Models;

public class ModelCacheTests
{
    [Fact]
    public async Task Loading_a_second_model_closes_the_first_and_a_switch_waits_for_the_running_job()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root, "alpha");
            DemoModel.Write(root, "beta");
        });
        var cache = server.Services.GetRequiredService<ModelCache>();

        WebDiffusion.Core.Models.ModelSet alpha;
        using (var lease = cache.Acquire("alpha", "test"))
        {
            alpha = lease.Context.Model;
            alpha.OpenAll();
            Assert.Equal("alpha", cache.LoadedName);

            // While alpha is leased (a job runs on it), nobody may swap it out from under that job.
            var refused = Assert.Throws<InvalidOperationException>(() => cache.Acquire("beta", "test"));
            Assert.Contains("between jobs", refused.Message, StringComparison.Ordinal);
            alpha.OpenAll(); // still open
        }

        using (var lease = cache.Acquire("beta", "test"))
        {
            Assert.Equal("beta", cache.LoadedName);
            Assert.NotSame(alpha, lease.Context.Model);
        }

        // The first model's sessions were closed when the second was loaded.
        Assert.Throws<ObjectDisposedException>(alpha.OpenAll);

        cache.Unload();
        Assert.Null(cache.LoadedName);
        Assert.Null(cache.LoadedExecutionProvider);
    }

    [Fact]
    public async Task A_model_is_optimized_once_and_opened_from_the_data_folders_cache_on_the_next_load()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root, "alpha"));
        var cache = server.Services.GetRequiredService<ModelCache>();
        var folder = Path.Combine(server.DataDir, "cache", "onnxruntime");

        using (var lease = cache.Acquire("alpha", "test"))
        {
            Assert.False(lease.Context.Model.UNet.LoadedFromOptimizedModelCache);
        }

        Assert.NotEmpty(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        cache.Unload();
        using (var lease = cache.Acquire("alpha", "test"))
        {
            Assert.True(lease.Context.Model.UNet.LoadedFromOptimizedModelCache);
        }
    }
}

using WebDiffusion.Onnx.Caching;
using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Caching;

/// <summary>
/// A model's content hash outlives the process: a second sidecar over the same cache folder (a fresh in-memory copy, as
/// after a restart) answers from model-hashes.json without reading the weights, and hashes again once the model or one of
/// its external-data files has another length or last-write time.
/// </summary>
public sealed class ModelHashSidecarTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Cache => _folder.File("ort-cache");

    /// <summary>y = x · W with W (3 × 4 floats) in weights.pb beside model.onnx; the graph's name sets the model file's length.</summary>
    private string WriteModel(int seed, string graphName = "hashed")
    {
        const int columns = 4;
        var g = new OnnxGraphBuilder(graphName);
        g.Input("x", TensorElementType.Float, "batch", 3);
        var w = g.Initializer("w", OnnxTensorData.FromFloats(TestModels.Values(3 * columns, seed), 3, columns));
        g.Node("MatMul", ["x", w], ["y"]);
        g.Output("y", TensorElementType.Float, "batch", columns);
        var path = _folder.File("model.onnx");
        g.Save(path, externalThresholdBytes: 0);
        return path;
    }

    private static string Reread(string model) => ModelContentHasher.Sha256(ModelContentHasher.CoveredFiles(model));

    /// <summary>Replaces the file's bytes by others of the same length and puts its last-write time back.</summary>
    private static void RewriteInPlace(string path)
    {
        var written = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, written);
    }

    [Fact]
    public void A_second_sidecar_answers_from_the_file_without_reading_the_weights()
    {
        var model = WriteModel(1);
        var first = new ModelHashSidecar(Cache).Hash(model);
        Assert.Equal(Reread(model), first);
        Assert.True(File.Exists(Path.Combine(Cache, ModelHashSidecar.FileName)));

        // Same length and time, other bytes: only a read of the weights could tell.
        RewriteInPlace(_folder.File("weights.pb"));
        Assert.NotEqual(first, Reread(model));

        Assert.Equal(first, new ModelHashSidecar(Cache).Hash(model));
        Assert.Empty(Directory.GetFiles(Cache, "*.tmp"));
    }

    [Fact]
    public void New_weights_with_a_new_write_time_are_hashed_again()
    {
        var model = WriteModel(1);
        var first = new ModelHashSidecar(Cache).Hash(model);

        RewriteInPlace(_folder.File("weights.pb"));
        File.SetLastWriteTimeUtc(_folder.File("weights.pb"), DateTime.UtcNow.AddMinutes(1));

        var second = new ModelHashSidecar(Cache).Hash(model);
        Assert.NotEqual(first, second);
        Assert.Equal(Reread(model), second);
    }

    [Fact]
    public void A_model_file_of_another_length_is_hashed_again_even_at_the_same_write_time()
    {
        var model = WriteModel(1);
        var written = File.GetLastWriteTimeUtc(model);
        var first = new ModelHashSidecar(Cache).Hash(model);

        var previousLength = new FileInfo(model).Length;
        WriteModel(2, "hashed with a longer graph name");
        File.SetLastWriteTimeUtc(model, written);
        Assert.NotEqual(previousLength, new FileInfo(model).Length);

        var second = new ModelHashSidecar(Cache).Hash(model);
        Assert.NotEqual(first, second);
        Assert.Equal(Reread(model), second);
    }

    [Fact]
    public void A_damaged_sidecar_costs_a_rehash_and_is_rewritten()
    {
        var model = WriteModel(1);
        Directory.CreateDirectory(Cache);
        var sidecar = Path.Combine(Cache, ModelHashSidecar.FileName);
        File.WriteAllText(sidecar, "{\"not\": [json");

        Assert.Equal(Reread(model), new ModelHashSidecar(Cache).Hash(model));

        RewriteInPlace(_folder.File("weights.pb"));
        Assert.NotEqual(Reread(model), new ModelHashSidecar(Cache).Hash(model)); // answered from the rewritten sidecar
    }

    [Fact]
    public void Loading_a_session_with_a_cache_folder_records_the_hash_for_the_next_process()
    {
        var model = WriteModel(3);
        using (OrtTestLibrary.Runtime.CreateSession(model, new OrtSessionOptions { OptimizedModelCacheFolder = Cache }))
        {
        }

        var hash = Reread(model);
        RewriteInPlace(_folder.File("weights.pb"));
        Assert.Equal(hash, new ModelHashSidecar(Cache).Hash(model));
    }
}

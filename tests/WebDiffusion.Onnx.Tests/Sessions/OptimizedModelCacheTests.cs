using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

/// <summary>
/// ORT's optimized model is kept in a cache folder, so a model is optimized once: the second load opens the cached copy
/// (optimization off) and computes the same; a changed model misses the cache.
/// </summary>
public sealed class OptimizedModelCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>y = (x · W) + (b1 + b2): the constant sum is folded by ORT's optimizer.</summary>
    private static OnnxGraphBuilder Graph(int seed)
    {
        var g = new OnnxGraphBuilder("cached");
        g.Input("x", TensorElementType.Float, "batch", 3);
        var w = g.Initializer("w", OnnxTensorData.FromFloats(TestModels.Values(12, seed), 3, 4));
        var b1 = g.Initializer("b1", OnnxTensorData.FromFloats(TestModels.Values(4, seed + 1), 4));
        var b2 = g.Initializer("b2", OnnxTensorData.FromFloats(TestModels.Values(4, seed + 2), 4));
        var bias = g.Op("Add", [b1, b2]);
        var xw = g.Op("MatMul", ["x", w]);
        g.Node("Add", [xw, bias], ["y"]);
        g.Output("y", TensorElementType.Float, "batch", 4);
        return g;
    }

    private static float[] Run(OrtSession session)
    {
        using var x = OrtTensor.Create(TestModels.Values(6, 99), [2, 3]);
        using var y = OrtTensor.Allocate(TensorElementType.Float, [2, 4]);
        session.Run([new("x", x)], [new OrtNamedTensor("y", y)]);
        return y.GetSpan<float>().ToArray();
    }

    [Fact]
    public void The_second_load_opens_the_cached_optimized_model_and_computes_the_same()
    {
        var model = _folder.File("model.onnx");
        Graph(1).Save(model);
        var options = new OrtSessionOptions { OptimizedModelCacheFolder = _folder.File("ort-cache") };

        float[] first;
        string cacheFile;
        using (var cold = OrtTestLibrary.Runtime.CreateSession(model, options))
        {
            Assert.False(cold.LoadedFromOptimizedModelCache);
            cacheFile = Assert.IsType<string>(cold.OptimizedModelCacheFile);
            first = Run(cold);
        }

        Assert.True(File.Exists(cacheFile));
        Assert.StartsWith(_folder.File("ort-cache"), cacheFile, StringComparison.Ordinal);
        using (var warm = OrtTestLibrary.Runtime.CreateSession(model, options))
        {
            Assert.True(warm.LoadedFromOptimizedModelCache);
            Assert.Equal(cacheFile, warm.OptimizedModelCacheFile);
            Assert.Equal(first, Run(warm));
        }

        // other weights in the same file: another key, a fresh optimization, other results
        Graph(2).Save(model);
        using var changed = OrtTestLibrary.Runtime.CreateSession(model, options);
        Assert.False(changed.LoadedFromOptimizedModelCache);
        Assert.NotEqual(cacheFile, changed.OptimizedModelCacheFile);
        Assert.NotEqual(first, Run(changed));
    }

    [Fact]
    public void Without_a_cache_folder_nothing_is_written()
    {
        var model = _folder.File("model.onnx");
        Graph(1).Save(model);

        using var session = OrtTestLibrary.Runtime.CreateSession(model, new OrtSessionOptions());

        Assert.False(session.LoadedFromOptimizedModelCache);
        Assert.Null(session.OptimizedModelCacheFile);
    }
}

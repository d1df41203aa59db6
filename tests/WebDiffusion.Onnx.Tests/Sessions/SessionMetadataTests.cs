using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

public sealed class SessionMetadataTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Inputs_and_outputs_carry_names_types_fixed_and_symbolic_dims()
    {
        var g = new OnnxGraphBuilder("unet-like");
        g.Input("sample", TensorElementType.Float, "batch", 4, "height", "width");
        g.Input("timestep", TensorElementType.Int64, 1);
        g.Input("encoder_hidden_states", TensorElementType.Float16, "batch", 77, 768);
        g.Node("Identity", ["sample"], ["out_sample"]);
        g.Node("Identity", ["timestep"], ["t"]);
        g.Node("Identity", ["encoder_hidden_states"], ["e"]);
        g.Output("out_sample", TensorElementType.Float, "batch", 4, "height", "width");
        g.Output("t", TensorElementType.Int64, 1);
        g.Output("e", TensorElementType.Float16, "batch", 77, 768);
        using var session = TestModels.Open(_folder, g, "unet.onnx");

        Assert.Equal(_folder.File("unet.onnx"), session.ModelPath);
        Assert.Equal(["sample", "timestep", "encoder_hidden_states"], session.Inputs.Select(i => i.Name));
        Assert.Equal(["out_sample", "t", "e"], session.Outputs.Select(o => o.Name));
        var sample = session.Inputs[0];
        Assert.Equal(TensorElementType.Float, sample.ElementType);
        Assert.Equal([-1L, 4L, -1L, -1L], sample.Shape);
        Assert.Equal(["batch", null, "height", "width"], sample.SymbolicDims);
        Assert.Equal("float32[batch,4,height,width]", sample.Describe());
        Assert.Equal(TensorElementType.Int64, session.Inputs[1].ElementType);
        Assert.Equal([1L], session.Inputs[1].Shape);
        Assert.Equal(TensorElementType.Float16, session.FindInput("encoder_hidden_states")!.ElementType);
        Assert.Null(session.FindInput("nope"));
        Assert.Equal([-1L, 77L, 768L], session.FindOutput("e")!.Shape);
        Assert.Equal(OrtExecutionProvider.Cpu, session.ExecutionProvider);
        Assert.Null(session.ExecutionProviderFallbackReason);
    }

    [Fact]
    public void Free_dimension_overrides_fix_symbolic_sizes()
    {
        var options = new OrtSessionOptions { GraphOptimizationLevel = OrtGraphOptimizationLevel.Basic, IntraOpThreads = 1 };
        options.FreeDimensionOverrides["batch"] = 2;
        options.ConfigEntries["session.intra_op.allow_spinning"] = "0";
        using var session = TestModels.Open(_folder, TestModels.Add("batch", 3), options: options);

        using var a = OrtTensor.Create(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var b = OrtTensor.Create(new float[] { 6, 5, 4, 3, 2, 1 }, [2, 3]);
        var outputs = session.Run([new("a", a), new("b", b)], ["y"]);
        using var y = outputs[0];
        Assert.All(y.ToArray<float>(), v => Assert.Equal(7f, v));

        Assert.Equal([2L, 3L], session.Inputs[0].Shape);
        using var wrongBatch = OrtTensor.Create(new float[] { 1, 2, 3 }, [1, 3]);
        var ex = Assert.Throws<ArgumentException>(() => session.Run([new("a", wrongBatch), new("b", wrongBatch)], ["y"]));
        Assert.Contains("dimension 0 (2 expected, 1 given)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_optimized_model_is_written_where_asked()
    {
        var optimized = _folder.File("optimized.onnx");
        var options = new OrtSessionOptions { OptimizedModelPath = optimized, EnableMemoryArena = false, EnableMemoryPattern = false };
        using var session = TestModels.Open(_folder, TestModels.Add(2), options: options);
        Assert.True(File.Exists(optimized));
        using var reopened = OrtTestLibrary.Runtime.CreateSession(optimized);
        Assert.Equal(["a", "b"], reopened.Inputs.Select(i => i.Name));
    }

    [Fact]
    public void External_weights_load_from_beside_the_model()
    {
        var weights = TestModels.Values(1000, 11);
        var g = new OnnxGraphBuilder("external");
        g.Input("x", TensorElementType.Float, 1000);
        var w = g.Initializer("w", OnnxTensorData.FromFloats(weights, 1000));
        g.Node("Mul", ["x", w], ["y"]);
        g.Output("y", TensorElementType.Float, 1000);
        var path = _folder.File("unet/model.onnx");
        g.Save(path, externalThresholdBytes: 256, externalFileName: "weights.pb");
        Assert.True(File.Exists(_folder.File("unet/weights.pb")));
        Assert.True(new FileInfo(path).Length < 1000);

        using var session = OrtTestLibrary.Runtime.CreateSession(path);
        var x = TestModels.Values(1000, 12);
        using var tx = OrtTensor.Create(x, [1000]);
        var outputs = session.Run([new("x", tx)], ["y"]);
        using var y = outputs[0];

        Assert.Equal(x.Zip(weights, (a, b) => a * b).ToArray(), y.ToArray<float>());
    }
}

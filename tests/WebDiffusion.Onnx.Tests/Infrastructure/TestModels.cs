using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Onnx.Tests.Infrastructure;

/// <summary>Small graphs written with <see cref="OnnxGraphBuilder"/> and opened as sessions.</summary>
public static class TestModels
{
    /// <summary>Saves <paramref name="graph"/> into <paramref name="folder"/> and opens it.</summary>
    public static OrtSession Open(TempFolder folder, OnnxGraphBuilder graph, string name = "model.onnx", OrtSessionOptions? options = null)
    {
        var path = folder.File(name);
        graph.Save(path);
        return OrtTestLibrary.Runtime.CreateSession(path, options);
    }

    /// <summary>y = a + b over float tensors of <paramref name="shape"/>.</summary>
    public static OnnxGraphBuilder Add(params OnnxDim[] shape)
    {
        var g = new OnnxGraphBuilder("add");
        g.Input("a", TensorElementType.Float, shape);
        g.Input("b", TensorElementType.Float, shape);
        g.Node("Add", ["a", "b"], ["y"]);
        g.Output("y", TensorElementType.Float, shape);
        return g;
    }

    /// <summary>A deterministic pseudo-random float array in [-1, 1).</summary>
    public static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}

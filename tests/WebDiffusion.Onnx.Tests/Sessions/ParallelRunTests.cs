using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

public sealed class ParallelRunTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Parallel_runs_on_one_session_match_serial_runs()
    {
        var w = TestModels.Values(64 * 64, 21);
        var g = new OnnxGraphBuilder("mlp");
        g.Input("x", TensorElementType.Float, "batch", 64);
        var h = g.Op("MatMul", ["x", g.Initializer("w", OnnxTensorData.FromFloats(w, 64, 64))]);
        var t = g.Op("Tanh", [h]);
        g.Node("Softmax", [g.Op("MatMul", [t, "w"])], ["y"], OnnxAttribute.Int("axis", -1));
        g.Output("y", TensorElementType.Float, "batch", 64);
        using var session = TestModels.Open(_folder, g);
        var inputs = Enumerable.Range(0, 16).Select(i => TestModels.Values(8 * 64, 100 + i)).ToArray();

        float[] RunOne(float[] x)
        {
            using var tx = OrtTensor.Create(x, [8, 64]);
            using var y = OrtTensor.Allocate(TensorElementType.Float, [8, 64]);
            for (var repeat = 0; repeat < 20; repeat++)
            {
                session.Run([new("x", tx)], [new OrtNamedTensor("y", y)]);
            }

            return y.ToArray<float>();
        }

        var serial = inputs.Select(RunOne).ToArray();
        var parallel = await Task.WhenAll(inputs.Select(x => Task.Run(() => RunOne(x))));

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(serial[i], parallel[i]);
        }

        Assert.NotEqual(serial[0], serial[1]);
    }
}

using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

/// <summary>Graphs run through ORT and compared with the same arithmetic done here in C#.</summary>
public sealed class OperatorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Add_of_two_latent_sized_tensors()
    {
        using var session = TestModels.Open(_folder, TestModels.Add(1, 4, 64, 64));
        var a = TestModels.Values(4 * 64 * 64, 1);
        var b = TestModels.Values(4 * 64 * 64, 2);
        using var ta = OrtTensor.Create(a, [1, 4, 64, 64]);
        using var tb = OrtTensor.Create(b, [1, 4, 64, 64]);
        using var ty = OrtTensor.Allocate(TensorElementType.Float, [1, 4, 64, 64]);

        session.Run([new("a", ta), new("b", tb)], [new OrtNamedTensor("y", ty)]);

        var y = ty.GetSpan<float>();
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i] + b[i], y[i]);
        }
    }

    [Fact]
    public void MatMul_with_a_weight_initializer()
    {
        var w = TestModels.Values(3 * 4, 3);
        var g = new OnnxGraphBuilder("matmul");
        g.Input("x", TensorElementType.Float, "batch", 3);
        var weight = g.Initializer("w", OnnxTensorData.FromFloats(w, 3, 4));
        g.Node("MatMul", ["x", weight], ["y"]);
        g.Output("y", TensorElementType.Float, "batch", 4);
        using var session = TestModels.Open(_folder, g);
        var x = TestModels.Values(2 * 3, 4);
        using var tx = OrtTensor.Create(x, [2, 3]);

        var outputs = session.Run([new("x", tx)], ["y"]);
        using var y = outputs[0];

        Assert.Equal([2L, 4L], y.Shape);
        var values = y.GetSpan<float>();
        for (var r = 0; r < 2; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                var expected = 0f;
                for (var k = 0; k < 3; k++)
                {
                    expected += x[(r * 3) + k] * w[(k * 4) + c];
                }

                Assert.Equal(expected, values[(r * 4) + c], 5);
            }
        }
    }

    [Fact]
    public void Conv_3x3_with_padding_and_bias()
    {
        const int H = 5, W = 6, Co = 2;
        var weights = TestModels.Values(Co * 9, 5);
        var bias = new[] { 0.5f, -0.25f };
        var g = new OnnxGraphBuilder("conv");
        g.Input("x", TensorElementType.Float, 1, 1, H, W);
        var wName = g.Initializer("w", OnnxTensorData.FromFloats(weights, Co, 1, 3, 3));
        var bName = g.Initializer("b", OnnxTensorData.FromFloats(bias, Co));
        g.Node("Conv", ["x", wName, bName], ["y"], OnnxAttribute.Ints("pads", 1, 1, 1, 1), OnnxAttribute.Ints("kernel_shape", 3, 3));
        g.Output("y", TensorElementType.Float, 1, Co, H, W);
        using var session = TestModels.Open(_folder, g);
        var x = TestModels.Values(H * W, 6);
        using var tx = OrtTensor.Create(x, [1, 1, H, W]);

        var outputs = session.Run([new("x", tx)], ["y"]);
        using var ty = outputs[0];

        var y = ty.GetSpan<float>();
        for (var o = 0; o < Co; o++)
        {
            for (var r = 0; r < H; r++)
            {
                for (var c = 0; c < W; c++)
                {
                    var sum = bias[o];
                    for (var kr = 0; kr < 3; kr++)
                    {
                        for (var kc = 0; kc < 3; kc++)
                        {
                            int rr = r + kr - 1, cc = c + kc - 1;
                            if (rr >= 0 && rr < H && cc >= 0 && cc < W)
                            {
                                sum += x[(rr * W) + cc] * weights[(o * 9) + (kr * 3) + kc];
                            }
                        }
                    }

                    Assert.Equal(sum, y[(o * H * W) + (r * W) + c], 5);
                }
            }
        }
    }

    [Fact]
    public void Softmax_over_the_last_axis()
    {
        var g = new OnnxGraphBuilder("softmax", opset: 17);
        g.Input("x", TensorElementType.Float, 2, 5);
        g.Node("Softmax", ["x"], ["y"], OnnxAttribute.Int("axis", -1));
        g.Output("y", TensorElementType.Float, 2, 5);
        using var session = TestModels.Open(_folder, g);
        var x = new[] { 1f, 2f, 3f, 4f, 5f, -1f, 0f, 10f, 0.5f, 0.25f };
        using var tx = OrtTensor.Create(x, [2, 5]);

        var outputs = session.Run([new("x", tx)], ["y"]);
        using var ty = outputs[0];

        var y = ty.GetSpan<float>();
        for (var r = 0; r < 2; r++)
        {
            var row = x.AsSpan(r * 5, 5);
            var max = row.ToArray().Max();
            var denominator = row.ToArray().Sum(v => Math.Exp(v - max));
            for (var c = 0; c < 5; c++)
            {
                Assert.Equal(Math.Exp(row[c] - max) / denominator, y[(r * 5) + c], 5);
            }
        }
    }

    [Fact]
    public void Cast_to_float16_and_back_matches_System_Half()
    {
        var g = new OnnxGraphBuilder("cast");
        g.Input("x", TensorElementType.Float, 8);
        g.Node("Cast", ["x"], ["half"], OnnxAttribute.Int("to", (long)TensorElementType.Float16));
        g.Node("Cast", ["half"], ["back"], OnnxAttribute.Int("to", (long)TensorElementType.Float));
        g.Output("half", TensorElementType.Float16, 8);
        g.Output("back", TensorElementType.Float, 8);
        using var session = TestModels.Open(_folder, g);
        var x = new[] { 0f, 1f, -2.5f, 0.1f, 65504f, 1e-5f, 3.14159265f, -1234.567f };
        using var tx = OrtTensor.Create(x, [8]);

        var outputs = session.Run([new("x", tx)], ["half", "back"]);
        using var half = outputs[0];
        using var back = outputs[1];

        Assert.Equal(TensorElementType.Float16, half.ElementType);
        Assert.Equal(x.Select(v => (Half)v).ToArray(), half.ToArray<Half>());
        Assert.Equal(x.Select(v => (float)(Half)v).ToArray(), back.ToArray<float>());
        Assert.Equal((ushort)0x3C00, BitConverter.HalfToUInt16Bits(half.GetSpan<Half>()[1]));
    }

    [Fact]
    public void Float16_input_round_trips_through_the_graph()
    {
        var g = new OnnxGraphBuilder("half-io");
        g.Input("h", TensorElementType.Float16, 2, 3);
        g.Node("Cast", ["h"], ["f"], OnnxAttribute.Int("to", (long)TensorElementType.Float));
        g.Node("Mul", ["f", g.Scalar(2f)], ["f2"]);
        g.Node("Cast", ["f2"], ["h2"], OnnxAttribute.Int("to", (long)TensorElementType.Float16));
        g.Output("h2", TensorElementType.Float16, 2, 3);
        using var session = TestModels.Open(_folder, g);
        var h = new[] { (Half)0.5f, (Half)(-1.25f), (Half)1000f, Half.Epsilon, (Half)0.333f, (Half)(-0f) };
        using var th = OrtTensor.Create(h, [2, 3]);
        using var output = OrtTensor.Allocate(TensorElementType.Float16, [2, 3]);

        session.Run([new("h", th)], [new OrtNamedTensor("h2", output)]);

        Assert.Equal(h.Select(v => (Half)((float)v * 2f)).ToArray(), output.ToArray<Half>());
    }

    [Fact]
    public void Gather_with_int64_indices()
    {
        var table = TestModels.Values(5 * 3, 7);
        var g = new OnnxGraphBuilder("gather64");
        var data = g.Initializer("table", OnnxTensorData.FromFloats(table, 5, 3));
        g.Input("idx", TensorElementType.Int64, 2, 2);
        g.Node("Gather", [data, "idx"], ["y"], OnnxAttribute.Int("axis", 0));
        g.Output("y", TensorElementType.Float, 2, 2, 3);
        using var session = TestModels.Open(_folder, g);
        var indices = new long[] { 4, 0, 2, -1 };
        using var ti = OrtTensor.Create(indices, [2, 2]);

        var outputs = session.Run([new("idx", ti)], ["y"]);
        using var y = outputs[0];

        Assert.Equal([2L, 2L, 3L], y.Shape);
        var expected = indices.SelectMany(i => table.Skip((int)((i + 5) % 5) * 3).Take(3)).ToArray();
        Assert.Equal(expected, y.ToArray<float>());
    }

    [Fact]
    public void Int32_token_ids_embed_and_int64_output()
    {
        var table = TestModels.Values(10 * 2, 8);
        var g = new OnnxGraphBuilder("int32");
        var data = g.Initializer("embedding", OnnxTensorData.FromFloats(table, 10, 2));
        g.Input("input_ids", TensorElementType.Int32, 1, "seq");
        g.Node("Gather", [data, "input_ids"], ["hidden"], OnnxAttribute.Int("axis", 0));
        g.Node("Cast", ["input_ids"], ["ids64"], OnnxAttribute.Int("to", (long)TensorElementType.Int64));
        g.Node("Mul", ["ids64", g.Initializer("k", OnnxTensorData.FromInt64s([3_000_000_000L]))], ["scaled"]);
        g.Output("hidden", TensorElementType.Float, 1, "seq", 2);
        g.Output("scaled", TensorElementType.Int64, 1, "seq");
        using var session = TestModels.Open(_folder, g);
        var ids = new[] { 9, 1, 0, 7 };
        using var tids = OrtTensor.Create(ids, [1, 4]);

        var outputs = session.Run([new("input_ids", tids)], ["hidden", "scaled"]);
        using var hidden = outputs[0];
        using var scaled = outputs[1];

        Assert.Equal(ids.SelectMany(i => table.Skip(i * 2).Take(2)).ToArray(), hidden.ToArray<float>());
        Assert.Equal(ids.Select(i => i * 3_000_000_000L).ToArray(), scaled.ToArray<long>());
        Assert.Equal(TensorElementType.Int64, scaled.ElementType);
    }
}

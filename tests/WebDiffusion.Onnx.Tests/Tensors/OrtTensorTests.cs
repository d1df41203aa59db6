using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Tensors;

public sealed class OrtTensorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public OrtTensorTests() => _ = OrtTestLibrary.Runtime;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_tensor_over_managed_memory_shares_it()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        using var tensor = OrtTensor.Create(data, [2, 3]);
        Assert.Equal(TensorElementType.Float, tensor.ElementType);
        Assert.Equal([2L, 3L], tensor.Shape);
        Assert.Equal(6, tensor.ElementCount);
        Assert.Equal(24, tensor.ByteCount);
        tensor.GetSpan<float>()[0] = 42f;
        Assert.Equal(42f, data[0]);
        data[5] = -1f;
        Assert.Equal(-1f, tensor.GetSpan<float>()[5]);
        Assert.Equal("float32[2,3]", tensor.ToString());
    }

    [Fact]
    public void A_slice_of_a_larger_buffer_can_back_a_tensor()
    {
        var data = Enumerable.Range(0, 10).Select(i => (long)i).ToArray();
        using var tensor = OrtTensor.Create(new Memory<long>(data, 4, 3), [3]);
        Assert.Equal([4L, 5L, 6L], tensor.ToArray<long>());
    }

    [Fact]
    public void GetSpan_checks_the_element_type()
    {
        using var tensor = OrtTensor.Allocate(TensorElementType.Float16, [4]);
        Assert.Equal(4, tensor.GetSpan<Half>().Length);
        Assert.Equal(8, tensor.GetBytes().Length);
        var ex = Assert.Throws<InvalidOperationException>(() => tensor.GetSpan<float>());
        Assert.Contains("float16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocated_tensors_accept_copies_and_scalars()
    {
        using var scalar = OrtTensor.Allocate(TensorElementType.Int64, []);
        Assert.Equal(1, scalar.ElementCount);
        scalar.CopyFrom<long>([981]);
        Assert.Equal([981L], scalar.ToArray<long>());
        Assert.Throws<ArgumentException>(() => scalar.CopyFrom<long>([1, 2]));
        Assert.Throws<ArgumentException>(() => OrtTensor.Allocate(TensorElementType.Float, [-1, 3]));
        Assert.Throws<NotSupportedException>(() => OrtTensor.Create(new decimal[1], [1]));
    }

    [Fact]
    public void Bool_and_byte_tensors_run_through_a_graph()
    {
        var g = new OnnxGraphBuilder("bools");
        g.Input("mask", TensorElementType.Bool, 4);
        g.Input("pixels", TensorElementType.UInt8, 4);
        g.Node("Not", ["mask"], ["inverted"]);
        g.Node("Cast", ["inverted"], ["as_byte"], OnnxAttribute.Int("to", (long)TensorElementType.UInt8));
        g.Node("Mul", ["pixels", "as_byte"], ["kept"]);
        g.Output("inverted", TensorElementType.Bool, 4);
        g.Output("kept", TensorElementType.UInt8, 4);
        using var session = TestModels.Open(_folder, g);
        var mask = new[] { true, false, false, true };
        var pixels = new byte[] { 10, 20, 30, 40 };
        using var tm = OrtTensor.Create(mask, [4]);
        using var tp = OrtTensor.Create(pixels, [4]);

        var outputs = session.Run([new("mask", tm), new("pixels", tp)]);

        using var inverted = outputs[0];
        using var kept = outputs[1];
        Assert.Equal(mask.Select(m => !m).ToArray(), inverted.ToArray<bool>());
        Assert.Equal(pixels.Zip(mask, (p, m) => m ? (byte)0 : p).ToArray(), kept.ToArray<byte>());
    }
}

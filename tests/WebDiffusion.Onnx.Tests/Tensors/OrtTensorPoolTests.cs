using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Tensors;

public sealed class OrtTensorPoolTests
{
    public OrtTensorPoolTests() => _ = OrtTestLibrary.Runtime;

    [Fact]
    public void A_returned_tensor_is_reused_for_the_same_type_and_shape_only()
    {
        using var pool = new OrtTensorPool();
        var first = pool.Rent(TensorElementType.Float, [1, 4, 8, 8]);
        first.GetSpan<float>()[0] = 123f;
        pool.Return(first);
        Assert.Equal(1, pool.FreeCount);

        var otherShape = pool.Rent(TensorElementType.Float, [1, 4, 8, 9]);
        var otherType = pool.Rent(TensorElementType.Float16, [1, 4, 8, 8]);
        var same = pool.Rent(TensorElementType.Float, [1, 4, 8, 8]);

        Assert.NotSame(first, otherShape);
        Assert.NotSame(first, otherType);
        Assert.Same(first, same);
        Assert.Equal(123f, same.GetSpan<float>()[0]);
        Assert.Equal(0, pool.FreeCount);
        otherShape.Dispose();
        otherType.Dispose();
        pool.Return(same);
    }

    [Fact]
    public void A_full_or_disposed_pool_disposes_what_comes_back()
    {
        var pool = new OrtTensorPool(maxFree: 1);
        var a = pool.Rent(TensorElementType.Int64, [2]);
        var b = pool.Rent(TensorElementType.Int64, [2]);
        pool.Return(a);
        pool.Return(b);
        Assert.False(a.IsDisposed);
        Assert.True(b.IsDisposed);

        pool.Dispose();
        Assert.True(a.IsDisposed);
        var c = OrtTensor.Allocate(TensorElementType.Int64, [2]);
        pool.Return(c);
        Assert.True(c.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent(TensorElementType.Int64, [2]));
    }
}

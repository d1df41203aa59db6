using System.Runtime.InteropServices;
using WebDiffusion.Onnx.ModelWriter;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Initializers;

/// <summary>Sessions from model bytes whose weights come from caller memory (mapped file, pinned buffer), not from the protobuf.</summary>
public sealed class InMemoryModelTests : IDisposable
{
    private static readonly float[] W = [0.5f, -2f, 3f, 0.25f, 1f, -1f];
    private static readonly float[] B = [10f, 20f, 30f, 40f, 50f, 60f];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>y = x·w + b over [2,3]; w and b are declared without data: the session gets them as initializers.</summary>
    private static byte[] AffineModel()
    {
        var g = new OnnxGraphBuilder("affine");
        g.Input("x", TensorElementType.Float, 2, 3);
        g.SuppliedInitializer("w", TensorElementType.Float, 2, 3);
        g.SuppliedInitializer("b", TensorElementType.Float, 2, 3);
        var scaled = g.Op("Mul", ["x", "w"]);
        g.Node("Add", [scaled, "b"], ["y"]);
        g.Output("y", TensorElementType.Float, 2, 3);
        return g.ToBytes();
    }

    private static float[] Expected(float[] x, float[] w, float[] b) => [.. x.Select((v, i) => (v * w[i]) + b[i])];

    private static float[] RunAffine(OrtSession session, float[] x)
    {
        using var input = OrtTensor.Create(x, [2, 3]);
        var outputs = session.Run([new("x", input)], ["y"]);
        using var y = outputs[0];
        return y.ToArray<float>();
    }

    private string WriteWeightsFile(int padding)
    {
        var path = _folder.File("weights.bin");
        var bytes = new byte[padding + ((W.Length + B.Length) * 4)];
        MemoryMarshal.AsBytes(W.AsSpan()).CopyTo(bytes.AsSpan(padding));
        MemoryMarshal.AsBytes(B.AsSpan()).CopyTo(bytes.AsSpan(padding + (W.Length * 4)));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Weights_from_a_memory_mapped_file_feed_the_session_and_only_x_remains_an_input()
    {
        var path = WriteWeightsFile(padding: 64);
        using var weights = OrtMappedWeights.Open(path);
        using var session = OrtTestLibrary.Runtime.CreateSession(
            AffineModel(),
            new OrtSessionOptions { IntraOpThreads = 1 },
            [
                weights.Initializer("w", TensorElementType.Float, [2, 3], offset: 64),
                weights.Initializer("b", TensorElementType.Float, [2, 3], offset: 64 + (W.Length * 4)),
            ],
            "affine (mapped)");

        Assert.Equal(["x"], session.Inputs.Select(i => i.Name));
        float[] x = [1, 2, 3, 4, 5, 6];
        Assert.Equal(Expected(x, W, B), RunAffine(session, x));
        Assert.Equal("affine (mapped)", session.ModelPath);
    }

    [Fact]
    public void A_pinned_buffer_is_used_in_place_not_copied()
    {
        var w = (float[])W.Clone();
        using var session = OrtTestLibrary.Runtime.CreateSession(
            AffineModel(),
            new OrtSessionOptions { IntraOpThreads = 1, GraphOptimizationLevel = OrtGraphOptimizationLevel.DisableAll },
            [OrtInitializer.FromMemory<float>("w", w, [2, 3]), OrtInitializer.FromMemory<float>("b", B, [2, 3])]);
        float[] x = [1, 1, 1, 1, 1, 1];
        Assert.Equal(Expected(x, W, B), RunAffine(session, x));

        // ORT reads the weight from our memory at every run: rewriting it changes the next result.
        w[0] = 100f;
        Assert.Equal(110f, RunAffine(session, x)[0]);
    }

    [Fact]
    public void One_mapping_serves_two_sessions_and_outlives_its_owner_until_they_are_disposed()
    {
        var path = WriteWeightsFile(padding: 0);
        var weights = OrtMappedWeights.Open(path);
        OrtSession Open() => OrtTestLibrary.Runtime.CreateSession(
            AffineModel(),
            null,
            [
                weights.Initializer("w", TensorElementType.Float, [2, 3], 0),
                weights.Initializer("b", TensorElementType.Float, [2, 3], W.Length * 4),
            ]);
        using var first = Open();
        using var second = Open();
        weights.Dispose();

        float[] x = [6, 5, 4, 3, 2, 1];
        Assert.Equal(Expected(x, W, B), RunAffine(first, x));
        first.Dispose();
        Assert.Equal(Expected(x, W, B), RunAffine(second, x));
        Assert.Throws<ObjectDisposedException>(() => weights.Initializer("w", TensorElementType.Float, [2, 3], 0));
    }

    [Fact]
    public void The_session_disposes_the_owners_once_it_is_released_or_when_creation_fails()
    {
        var owner = new CountingOwner();
        var bOwner = new CountingOwner();
        var w = GCHandle.Alloc(W, GCHandleType.Pinned);
        var b = GCHandle.Alloc(B, GCHandleType.Pinned);
        try
        {
            var session = OrtTestLibrary.Runtime.CreateSession(
                AffineModel(),
                null,
                [
                    OrtInitializer.FromPointer("w", TensorElementType.Float, [2, 3], w.AddrOfPinnedObject(), 24, owner),
                    OrtInitializer.FromPointer("b", TensorElementType.Float, [2, 3], b.AddrOfPinnedObject(), 24, owner),
                ]);
            Assert.Equal(0, owner.Disposals);
            session.Dispose();
            session.Dispose();
            Assert.Equal(1, owner.Disposals);

            // w is declared but not supplied: ORT refuses the model, naming it; the supplied owner is still released.
            var ex = Assert.Throws<OrtException>(() => OrtTestLibrary.Runtime.CreateSession(
                AffineModel(),
                null,
                [OrtInitializer.FromPointer("b", TensorElementType.Float, [2, 3], b.AddrOfPinnedObject(), 24, bOwner)],
                "affine (no w)"));
            Assert.Contains("affine (no w)", ex.Message, StringComparison.Ordinal);
            Assert.Equal(1, bOwner.Disposals);

            // A name the graph does not declare would be ignored by ORT: refused before ORT is called.
            var unknownOwner = new CountingOwner();
            var unknown = Assert.Throws<ArgumentException>(() => OrtTestLibrary.Runtime.CreateSession(
                AffineModel(),
                null,
                [OrtInitializer.FromPointer("not_in_graph", TensorElementType.Float, [2, 3], b.AddrOfPinnedObject(), 24, unknownOwner)],
                "affine (bad)"));
            Assert.Contains("'affine (bad)' declares no initializer 'not_in_graph'", unknown.Message, StringComparison.Ordinal);
            Assert.Contains("declared: b, w", unknown.Message, StringComparison.Ordinal);
            Assert.Equal(1, unknownOwner.Disposals);
        }
        finally
        {
            w.Free();
            b.Free();
        }
    }

    [Fact]
    public void Bad_initializers_are_refused_before_ORT_naming_them()
    {
        var size = Assert.Throws<ArgumentException>(() => OrtInitializer.FromPointer("w", TensorElementType.Float, [2, 3], 16, 20));
        Assert.Contains("'w'", size.Message, StringComparison.Ordinal);
        Assert.Contains("needs 24 bytes", size.Message, StringComparison.Ordinal);

        var path = WriteWeightsFile(padding: 0);
        using var weights = OrtMappedWeights.Open(path);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => weights.Initializer("b", TensorElementType.Float, [2, 3], 40));
        Assert.Contains("'b'", outside.Message, StringComparison.Ordinal);
        Assert.Contains(path, outside.Message, StringComparison.Ordinal);

        var duplicate = Assert.Throws<ArgumentException>(() => OrtTestLibrary.Runtime.CreateSession(
            AffineModel(),
            null,
            [weights.Initializer("w", TensorElementType.Float, [2, 3], 0), weights.Initializer("w", TensorElementType.Float, [2, 3], 0)]));
        Assert.Contains("'w' is supplied 2 times", duplicate.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => OrtMappedWeights.Open(_folder.File("missing.bin")));
    }

    private sealed class CountingOwner : IDisposable
    {
        public int Disposals { get; private set; }

        public void Dispose() => Disposals++;
    }
}

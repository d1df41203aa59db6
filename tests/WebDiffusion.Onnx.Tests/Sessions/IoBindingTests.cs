using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

public sealed class IoBindingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_binding_is_reused_across_steps_with_rewritten_inputs()
    {
        using var session = TestModels.Open(_folder, TestModels.Add(1, 4, 8, 8));
        var latents = new float[256];
        var noise = TestModels.Values(256, 3);
        using var a = OrtTensor.Create(latents, [1, 4, 8, 8]);
        using var b = OrtTensor.Create(noise, [1, 4, 8, 8]);
        using var y = OrtTensor.Allocate(TensorElementType.Float, [1, 4, 8, 8]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", b);
        binding.BindOutput("y", y);

        var expected = new float[256];
        for (var step = 0; step < 5; step++)
        {
            binding.Run();
            y.GetSpan<float>().CopyTo(latents);
            for (var i = 0; i < expected.Length; i++)
            {
                expected[i] += noise[i];
            }
        }

        Assert.Equal(expected, latents);
    }

    [Fact]
    public void Outputs_bound_to_cpu_are_allocated_by_ORT()
    {
        using var session = TestModels.Open(_folder, TestModels.Add("n"));
        using var a = OrtTensor.Create(new float[] { 1, 2, 3 }, [3]);
        using var b = OrtTensor.Create(new float[] { 10, 20, 30 }, [3]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", b);
        binding.BindOutputToCpu("y");

        binding.Run();
        var outputs = binding.GetOutputs();

        using var y = Assert.Single(outputs);
        Assert.Equal([3L], y.Shape);
        Assert.Equal([11f, 22f, 33f], y.ToArray<float>());
    }

    [Fact]
    public void Binding_checks_names_and_types_like_Run()
    {
        using var session = TestModels.Open(_folder, TestModels.Add(3));
        using var ints = OrtTensor.Create(new int[3], [3]);
        using var binding = session.CreateIoBinding();
        var ex = Assert.Throws<ArgumentException>(() => binding.BindInput("a", ints));
        Assert.Contains("'a' expects float32[3], got int32[3]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => binding.BindOutputToCpu("z"));
    }
}

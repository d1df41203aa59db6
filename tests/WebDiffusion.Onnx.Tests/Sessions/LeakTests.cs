using WebDiffusion.Onnx.Package;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

[Collection(SerialCollection.Name)]
public sealed class LeakTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_thousand_create_run_dispose_cycles_leak_no_objects_and_little_memory()
    {
        var path = _folder.File("add.onnx");
        TestModels.Add(1, 4, 32, 32).Save(path);
        var a = TestModels.Values(4 * 32 * 32, 1);
        var b = TestModels.Values(4 * 32 * 32, 2);
        var options = new OrtSessionOptions { IntraOpThreads = 1 };

        void Cycle(CancellationToken token)
        {
            using var session = OrtTestLibrary.Runtime.CreateSession(path, options);
            using var ta = OrtTensor.Create(a, [1, 4, 32, 32]);
            using var tb = OrtTensor.Create(b, [1, 4, 32, 32]);
            var outputs = session.Run([new("a", ta), new("b", tb)], ["y"], token);
            using var y = outputs[0];
            Assert.Equal(a[7] + b[7], y.GetSpan<float>()[7]);
            using var binding = session.CreateIoBinding();
            binding.BindInput("a", ta);
            binding.BindInput("b", tb);
            binding.BindOutputToCpu("y");
            binding.Run(token);
            foreach (var tensor in binding.GetOutputs())
            {
                tensor.Dispose();
            }
        }

        using var cts = new CancellationTokenSource();
        for (var i = 0; i < 50; i++)
        {
            Cycle(cts.Token);
        }

        Settle();
        var handlesBefore = OrtLiveObjects.Count;
        var rssBefore = Environment.WorkingSet;

        for (var i = 0; i < 1000; i++)
        {
            Cycle(cts.Token);
        }

        Settle();
        var handlesAfter = OrtLiveObjects.Count;
        var rssAfter = Environment.WorkingSet;

        Assert.Equal(handlesBefore, handlesAfter);
        // 1000 leaked sessions with their 16 KiB tensors would be hundreds of MiB; allow allocator noise.
        Assert.InRange(rssAfter - rssBefore, long.MinValue, 48L * 1024 * 1024);
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

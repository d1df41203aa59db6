using System.Diagnostics;
using Xunit.Abstractions;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

[Collection(SerialCollection.Name)]
public sealed class CancellationTests : IDisposable
{
    private const int Links = 300;
    private readonly TempFolder _folder = new();
    private readonly OrtSession _session;
    private readonly ITestOutputHelper _output;

    public CancellationTests(ITestOutputHelper output)
    {
        _output = output;
        _session = TestModels.Open(_folder, ChainModels.MatMulPower(Links), "chain.onnx");
    }

    public void Dispose()
    {
        _session.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void A_long_run_is_cancelled_within_a_second_and_the_session_then_runs_normally()
    {
        const int N = 1024;
        using var big = OrtTensor.Create(ChainModels.Identity(N), [N, N]);
        using var cts = new CancellationTokenSource();
        var cancelledAt = 0L;
        cts.Token.Register(() => Volatile.Write(ref cancelledAt, Stopwatch.GetTimestamp()));
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        var ex = Assert.ThrowsAny<OperationCanceledException>(() => _session.Run([new("x", big)], ["y"], cts.Token));
        var returnedAt = Stopwatch.GetTimestamp();

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Contains("chain.onnx", ex.Message, StringComparison.Ordinal);
        var latency = Stopwatch.GetElapsedTime(Volatile.Read(ref cancelledAt), returnedAt);
        _output.WriteLine($"Run returned {latency.TotalMilliseconds:F1} ms after cancellation.");
        Assert.InRange(latency, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        AssertRunsNormally(CancellationToken.None);
        using var live = new CancellationTokenSource();
        AssertRunsNormally(live.Token);
    }

    [Fact]
    public void An_already_cancelled_token_throws_without_running()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var x = OrtTensor.Create(ChainModels.Identity(5), [5, 5]);
        Assert.ThrowsAny<OperationCanceledException>(() => _session.Run([new("x", x)], ["y"], cts.Token));
        AssertRunsNormally(CancellationToken.None);
    }

    [Fact]
    public void An_io_binding_run_is_cancelled_too()
    {
        const int N = 1024;
        using var big = OrtTensor.Create(ChainModels.Identity(N), [N, N]);
        using var output = OrtTensor.Allocate(TensorElementType.Float, [N, N]);
        using var binding = _session.CreateIoBinding();
        binding.BindInput("x", big);
        binding.BindOutput("y", output);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.ThrowsAny<OperationCanceledException>(() => binding.Run(cts.Token));

        AssertRunsNormally(CancellationToken.None);
    }

    private void AssertRunsNormally(CancellationToken token)
    {
        const int N = 5;
        var p = ChainModels.CyclicPermutation(N);
        using var x = OrtTensor.Create(p, [N, N]);
        using var y = OrtTensor.Allocate(TensorElementType.Float, [N, N]);
        _session.Run([new("x", x)], [new OrtNamedTensor("y", y)], token);
        Assert.Equal(ChainModels.Power(p, N, Links + 1), y.ToArray<float>());
    }
}

using WebDiffusion.Core.Generation;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>A1111's shared.state counters from our whole-job step count (modules/processing.py, modules/progress.py).</summary>
public class A1111ProgressStateTests
{
    private static LiveProgress.Snapshot At(int step, StepPlan plan, int nIter, int batchSize = 1) =>
        new("id", "local", step, plan.PerBatch * nIter, 0, nIter * batchSize, DateTimeOffset.UtcNow, null) { Passes = plan, BatchCount = nIter };

    [Theory]
    // txt2img, n_iter 3, batch_size 2, 20 steps: job_count is n_iter, not the image count.
    [InlineData(0, 20, 0, 3, 0, 0, 20)]
    [InlineData(5, 20, 0, 3, 0, 5, 20)]
    [InlineData(20, 20, 0, 3, 1, 0, 20)]
    [InlineData(45, 20, 0, 3, 2, 5, 20)]
    [InlineData(60, 20, 0, 3, 2, 20, 20)]
    // hires fix, n_iter 2, 10 first-pass + 4 hires steps: each pass is a job, job_count = 2 × n_iter.
    [InlineData(3, 10, 4, 4, 0, 3, 10)]
    [InlineData(10, 10, 4, 4, 1, 0, 4)]
    [InlineData(12, 10, 4, 4, 1, 2, 4)]
    [InlineData(14, 10, 4, 4, 2, 0, 10)]
    [InlineData(25, 10, 4, 4, 3, 1, 4)]
    [InlineData(28, 10, 4, 4, 3, 4, 4)]
    public void Counters_follow_A1111s_passes(int step, int first, int hires, int jobCount, int jobNo, int samplingStep, int samplingSteps)
    {
        var nIter = hires > 0 ? 2 : 3;
        var state = A1111ProgressState.From(At(step, new StepPlan(first, hires), nIter, batchSize: 2));
        Assert.Equal(new A1111ProgressState(jobCount, jobNo, samplingStep, samplingSteps), state);
    }

    [Fact]
    public void Progress_is_A1111s_formula_and_idle_is_zero()
    {
        // 0.01 + job_no / job_count + sampling_step / sampling_steps / job_count
        Assert.Equal(0.01 + (1.0 / 4) + (2.0 / 4 / 4), new A1111ProgressState(4, 1, 2, 4).Progress, 12);
        Assert.Equal(1.0, new A1111ProgressState(2, 1, 20, 20).Progress);
        Assert.Equal(0.0, A1111ProgressState.From(null).Progress);
        Assert.Equal(A1111ProgressState.Idle, A1111ProgressState.From(null));
    }
}

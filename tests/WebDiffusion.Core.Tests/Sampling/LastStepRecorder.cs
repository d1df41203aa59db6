using WebDiffusion.Core.Sampling.Samplers;

namespace WebDiffusion.Core.Tests.Sampling;

/// <summary>Keeps a copy of x and σ of the last reported step, and counts steps.</summary>
internal sealed class LastStepRecorder(int length) : ISamplerProgress
{
    public float[] X { get; } = new float[length];

    public float Sigma { get; private set; }

    public int Steps { get; private set; }

    public int LastTotal { get; private set; }

    public float[] PreviousX { get; } = new float[length];

    public float PreviousSigma { get; private set; }

    /// <summary>When set, <see cref="TargetX"/> keeps the reported x whose σ is closest to this value.</summary>
    public double Target { get; set; } = double.NaN;

    public float[] TargetX { get; } = new float[length];

    public double TargetSigma { get; private set; } = double.PositiveInfinity;

    public void OnStep(in SamplerStep step)
    {
        if (!double.IsNaN(Target) && Math.Abs(Math.Log(step.Sigma / Target)) < Math.Abs(Math.Log(TargetSigma / Target)))
        {
            TargetSigma = step.Sigma;
            step.X.CopyTo(TargetX);
        }

        X.CopyTo(PreviousX.AsSpan());
        PreviousSigma = Sigma;
        step.X.CopyTo(X);
        Sigma = step.Sigma;
        Steps++;
        LastTotal = step.Total;
    }
}

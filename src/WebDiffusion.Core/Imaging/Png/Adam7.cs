namespace WebDiffusion.Core.Imaging.Png;

/// <summary>The seven Adam7 interlace passes.</summary>
internal static class Adam7
{
    public static ReadOnlySpan<int> StartX => [0, 4, 0, 2, 0, 1, 0];

    public static ReadOnlySpan<int> StartY => [0, 0, 4, 0, 2, 0, 1];

    public static ReadOnlySpan<int> StepX => [8, 8, 4, 4, 2, 2, 1];

    public static ReadOnlySpan<int> StepY => [8, 8, 8, 4, 4, 2, 2];

    public static int PassWidth(int pass, int width) => Math.Max(0, (width - StartX[pass] + StepX[pass] - 1) / StepX[pass]);

    public static int PassHeight(int pass, int height) => Math.Max(0, (height - StartY[pass] + StepY[pass] - 1) / StepY[pass]);
}

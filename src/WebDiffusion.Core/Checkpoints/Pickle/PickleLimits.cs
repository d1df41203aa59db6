namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>Bounds the safe pickle machine and the PyTorch reader enforce; exceeding one is a <see cref="PickleRefusedException"/>.</summary>
/// <param name="MaxPickleBytes">Largest <c>data.pkl</c> read (after inflating).</param>
/// <param name="MaxStack">Most values on the stack at once.</param>
/// <param name="MaxMarks">Most open MARKs at once.</param>
/// <param name="MaxMemo">Most memo entries.</param>
/// <param name="MaxDepth">Deepest nesting of containers in the result.</param>
/// <param name="MaxContainerItems">Most items in one list, tuple or dict.</param>
/// <param name="MaxTensors">Most tensors in one file.</param>
/// <param name="MaxRank">Most dimensions of one tensor.</param>
public sealed record PickleLimits(
    long MaxPickleBytes = 256L << 20,
    int MaxStack = 100_000,
    int MaxMarks = 64,
    int MaxMemo = 4_000_000,
    int MaxDepth = 64,
    int MaxContainerItems = 10_000_000,
    int MaxTensors = 1_000_000,
    int MaxRank = 16)
{
    /// <summary>The limits used when none are given: generous for real checkpoints, small against hostile files.</summary>
    public static PickleLimits Default { get; } = new();
}

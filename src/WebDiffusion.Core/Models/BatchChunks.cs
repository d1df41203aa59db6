namespace WebDiffusion.Core.Models;

/// <summary>Splits a batch into the chunks a model with a fixed batch dimension accepts.</summary>
internal static class BatchChunks
{
    public static int Size(int batch, int? fixedBatch, string file)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (fixedBatch is not { } n || n == batch)
        {
            return batch;
        }

        return batch % n == 0
            ? n
            : throw new ArgumentException($"{file} takes batches of exactly {n}; a batch of {batch} is not a multiple of it.", nameof(batch));
    }

    public static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} holds {actual} values; the given sizes need {expected}.", name);
        }
    }
}

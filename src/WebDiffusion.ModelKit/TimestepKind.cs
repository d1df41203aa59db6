namespace WebDiffusion.ModelKit;

/// <summary>How a generated unet takes its <c>timestep</c> input.</summary>
internal enum TimestepKind
{
    /// <summary>float32 [batch].</summary>
    FloatBatch,

    /// <summary>float16 [batch].</summary>
    Float16Batch,

    /// <summary>int64 [1].</summary>
    Int64One,

    /// <summary>float32 scalar, shape [].</summary>
    FloatScalar,
}

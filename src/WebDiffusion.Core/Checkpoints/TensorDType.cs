namespace WebDiffusion.Core.Checkpoints;

/// <summary>Element type of a checkpoint tensor (the safetensors dtype names; <see cref="Unknown"/> for a name we do not know).</summary>
public enum TensorDType
{
    /// <summary>A dtype name this reader does not know; listed, never read.</summary>
    Unknown = 0,

    /// <summary>IEEE float32.</summary>
    F32,

    /// <summary>IEEE float16.</summary>
    F16,

    /// <summary>bfloat16 (the top 16 bits of a float32).</summary>
    BF16,

    /// <summary>IEEE float64.</summary>
    F64,

    /// <summary>signed 64-bit integer.</summary>
    I64,

    /// <summary>signed 32-bit integer.</summary>
    I32,

    /// <summary>signed 16-bit integer.</summary>
    I16,

    /// <summary>signed 8-bit integer.</summary>
    I8,

    /// <summary>unsigned 64-bit integer.</summary>
    U64,

    /// <summary>unsigned 32-bit integer.</summary>
    U32,

    /// <summary>unsigned 16-bit integer.</summary>
    U16,

    /// <summary>unsigned 8-bit integer.</summary>
    U8,

    /// <summary>boolean, one byte.</summary>
    Bool,

    /// <summary>float8 e4m3.</summary>
    F8E4M3,

    /// <summary>float8 e5m2.</summary>
    F8E5M2,
}

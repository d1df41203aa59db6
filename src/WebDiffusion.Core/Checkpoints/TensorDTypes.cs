namespace WebDiffusion.Core.Checkpoints;

/// <summary>Names and sizes of <see cref="TensorDType"/> values.</summary>
public static class TensorDTypes
{
    /// <summary>The dtype for a safetensors dtype name (<c>F32</c>, <c>BF16</c>, …); <see cref="TensorDType.Unknown"/> otherwise.</summary>
    public static TensorDType FromSafetensorsName(string name) => name switch
    {
        "F32" => TensorDType.F32,
        "F16" => TensorDType.F16,
        "BF16" => TensorDType.BF16,
        "F64" => TensorDType.F64,
        "I64" => TensorDType.I64,
        "I32" => TensorDType.I32,
        "I16" => TensorDType.I16,
        "I8" => TensorDType.I8,
        "U64" => TensorDType.U64,
        "U32" => TensorDType.U32,
        "U16" => TensorDType.U16,
        "U8" => TensorDType.U8,
        "BOOL" => TensorDType.Bool,
        "F8_E4M3" => TensorDType.F8E4M3,
        "F8_E5M2" => TensorDType.F8E5M2,
        _ => TensorDType.Unknown,
    };

    /// <summary>Bytes per element; 0 for <see cref="TensorDType.Unknown"/>.</summary>
    public static int SizeOf(TensorDType dtype) => dtype switch
    {
        TensorDType.F64 or TensorDType.I64 or TensorDType.U64 => 8,
        TensorDType.F32 or TensorDType.I32 or TensorDType.U32 => 4,
        TensorDType.F16 or TensorDType.BF16 or TensorDType.I16 or TensorDType.U16 => 2,
        TensorDType.I8 or TensorDType.U8 or TensorDType.Bool or TensorDType.F8E4M3 or TensorDType.F8E5M2 => 1,
        _ => 0,
    };

    /// <summary>Whether <see cref="ICheckpointTensors.ReadFloat32(string, Span{float})"/> converts this dtype.</summary>
    public static bool IsFloatReadable(TensorDType dtype) => dtype is TensorDType.F32 or TensorDType.F16 or TensorDType.BF16;
}

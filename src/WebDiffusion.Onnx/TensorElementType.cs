namespace WebDiffusion.Onnx;

/// <summary>
/// Tensor element types, numbered as ONNX's <c>TensorProto.DataType</c> and ONNX Runtime's
/// <c>ONNXTensorElementDataType</c> (the two enumerations share their values).
/// </summary>
public enum TensorElementType
{
    /// <summary>Not set.</summary>
    Undefined = 0,

    /// <summary>32-bit IEEE float.</summary>
    Float = 1,

    /// <summary>Unsigned byte.</summary>
    UInt8 = 2,

    /// <summary>Signed byte.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>String.</summary>
    String = 8,

    /// <summary>Boolean (one byte).</summary>
    Bool = 9,

    /// <summary>16-bit IEEE float (<see cref="System.Half"/>).</summary>
    Float16 = 10,

    /// <summary>64-bit IEEE float.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>bfloat16.</summary>
    BFloat16 = 16,
}

namespace WebDiffusion.Onnx;

/// <summary>An error reported by ONNX Runtime (the package's <c>OnnxRuntimeException</c>, with its code) or a native call that could not be made.</summary>
public sealed class OrtException : Exception
{
    /// <summary>An ORT error with its code and message.</summary>
    public OrtException(OrtErrorCode errorCode, string message)
        : base(message) => ErrorCode = errorCode;

    /// <summary>An ORT error with its code, message and the package's exception as the cause.</summary>
    public OrtException(OrtErrorCode errorCode, string message, Exception innerException)
        : base(message, innerException) => ErrorCode = errorCode;

    /// <summary>An ORT error with code <see cref="OrtErrorCode.Fail"/>.</summary>
    public OrtException()
        : this(OrtErrorCode.Fail, "ONNX Runtime call failed.")
    {
    }

    /// <summary>An ORT error with code <see cref="OrtErrorCode.Fail"/> and a message.</summary>
    public OrtException(string message)
        : this(OrtErrorCode.Fail, message)
    {
    }

    /// <summary>An ORT error with code <see cref="OrtErrorCode.Fail"/>, a message and a cause.</summary>
    public OrtException(string message, Exception innerException)
        : base(message, innerException) => ErrorCode = OrtErrorCode.Fail;

    /// <summary>The ORT error code.</summary>
    public OrtErrorCode ErrorCode { get; }
}

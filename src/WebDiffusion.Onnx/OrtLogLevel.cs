namespace WebDiffusion.Onnx;

/// <summary>ONNX Runtime's <c>OrtLoggingLevel</c>: messages below this severity are dropped.</summary>
public enum OrtLogLevel
{
    /// <summary>Everything.</summary>
    Verbose = 0,

    /// <summary>Informational and up.</summary>
    Info = 1,

    /// <summary>Warnings and up (ORT's default).</summary>
    Warning = 2,

    /// <summary>Errors and up.</summary>
    Error = 3,

    /// <summary>Fatal only.</summary>
    Fatal = 4,
}

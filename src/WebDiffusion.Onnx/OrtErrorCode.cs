namespace WebDiffusion.Onnx;

/// <summary>ONNX Runtime's <c>OrtErrorCode</c>.</summary>
public enum OrtErrorCode
{
    /// <summary>Success (never carried by an exception).</summary>
    Ok = 0,

    /// <summary>Generic failure (also: a Run terminated by its run options).</summary>
    Fail = 1,

    /// <summary>An argument was invalid.</summary>
    InvalidArgument = 2,

    /// <summary>A file was not found.</summary>
    NoSuchFile = 3,

    /// <summary>No model loaded.</summary>
    NoModel = 4,

    /// <summary>Engine error.</summary>
    EngineError = 5,

    /// <summary>A runtime exception inside ORT.</summary>
    RuntimeException = 6,

    /// <summary>The model protobuf could not be parsed.</summary>
    InvalidProtobuf = 7,

    /// <summary>The model is already loaded.</summary>
    ModelLoaded = 8,

    /// <summary>Not implemented (e.g. no kernel for an op/type).</summary>
    NotImplemented = 9,

    /// <summary>The graph is invalid.</summary>
    InvalidGraph = 10,

    /// <summary>An execution provider failed.</summary>
    EpFail = 11,

    /// <summary>Model loading was cancelled.</summary>
    ModelLoadCanceled = 12,

    /// <summary>The model needs compiling first.</summary>
    ModelRequiresCompilation = 13,

    /// <summary>Not found (ORT 1.29+).</summary>
    NotFound = 14,
}

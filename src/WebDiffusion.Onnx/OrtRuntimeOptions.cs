namespace WebDiffusion.Onnx;

/// <summary>How ONNX Runtime's environment logs (the native library itself comes with the NuGet package).</summary>
public sealed class OrtRuntimeOptions
{
    /// <summary>Severity threshold of ORT's log. The first environment of the process sets it.</summary>
    public OrtLogLevel LogLevel { get; set; } = OrtLogLevel.Warning;

    /// <summary>The log id ORT prefixes its messages with.</summary>
    public string LogId { get; set; } = "WebDiffusion";

    /// <summary>Where ORT's log messages go (e.g. an ILogger); null = stderr. The latest <see cref="OrtRuntime.Load"/> that sets one wins.</summary>
    public Action<OrtLogLevel, string>? LogSink { get; set; }
}

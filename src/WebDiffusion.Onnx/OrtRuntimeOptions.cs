namespace WebDiffusion.Onnx;

/// <summary>Where to find ONNX Runtime and how the environment logs.</summary>
public sealed class OrtRuntimeOptions
{
    /// <summary>
    /// Explicit path of the library (a file, or a folder holding it). When null the search order is: next to the app
    /// (<see cref="AppContext.BaseDirectory"/>), <see cref="SearchDirectories"/>, then the set-up cache
    /// <c>.cache/onnxruntime/1.22.0/linux-x64/</c> in the app folder or any folder above it or above the current directory.
    /// </summary>
    public string? LibraryPath { get; set; }

    /// <summary>Extra folders to look in after the app folder (e.g. the server's content-root cache).</summary>
    public IList<string> SearchDirectories { get; } = [];

    /// <summary>Severity threshold of ORT's log (stderr). The first environment of the process sets it.</summary>
    public OrtLogLevel LogLevel { get; set; } = OrtLogLevel.Warning;

    /// <summary>The log id ORT prefixes its messages with.</summary>
    public string LogId { get; set; } = "WebDiffusion";
}

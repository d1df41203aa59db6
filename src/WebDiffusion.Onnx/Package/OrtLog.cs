using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace WebDiffusion.Onnx.Package;

/// <summary>
/// ORT's log, routed through the environment's logging function: each message goes to the configured sink (stderr by
/// default) and the last "failed to load library" error of the calling thread is kept, because the package's exception
/// for a missing CUDA dependency says only "Failed to load shared library" while the log names the file.
/// </summary>
internal static partial class OrtLog
{
    [ThreadStatic]
    private static string? _lastLoadFailure;

    private static volatile Action<OrtLogLevel, string>? _sink;

    /// <summary>The callback handed to ORT (kept in a static so the delegate is never collected).</summary>
    public static readonly DOrtLoggingFunction Callback = OnMessage;

    /// <summary>Where messages go; null = stderr.</summary>
    public static Action<OrtLogLevel, string>? Sink
    {
        get => _sink;
        set => _sink = value;
    }

    /// <summary>Forgets the calling thread's last load failure (call before an attempt that may fail).</summary>
    public static void ResetLoadFailure() => _lastLoadFailure = null;

    /// <summary>What ORT logged on this thread about a library it could not load since <see cref="ResetLoadFailure"/>, or null.</summary>
    public static string? LastLoadFailure => _lastLoadFailure;

    /// <summary>The file named in a "cannot open shared object file" message (e.g. <c>libcublasLt.so.13</c>), or null.</summary>
    public static string? MissingLibrary(string? message)
    {
        if (message is null)
        {
            return null;
        }

        var match = MissingFile().Match(message);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static void OnMessage(nint param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        if (message.Contains("Failed to load library", StringComparison.OrdinalIgnoreCase)
            || message.Contains("cannot open shared object file", StringComparison.OrdinalIgnoreCase))
        {
            _lastLoadFailure = message;
        }

        var level = (OrtLogLevel)(int)severity;
        var text = $"[{logId}] {codeLocation} {message}";
        var sink = _sink;
        if (sink is not null)
        {
            sink(level, text);
            return;
        }

        Console.Error.WriteLine($"ONNX Runtime {level}: {text}");
    }

    [GeneratedRegex(@"(?:error:\s*)?([\w.+-]+\.so(?:\.[\d.]+)?):\s*cannot open shared object file")]
    private static partial Regex MissingFile();
}

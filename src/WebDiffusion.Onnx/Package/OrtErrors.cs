using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace WebDiffusion.Onnx.Package;

/// <summary>Turns the package's <see cref="OnnxRuntimeException"/> ("[ErrorCode:X] message") into our <see cref="OrtException"/>.</summary>
internal static partial class OrtErrors
{
    /// <summary>An <see cref="OrtException"/> with ORT's code and message, prefixed with <paramref name="context"/> (e.g. the model file).</summary>
    public static OrtException Translate(OnnxRuntimeException error, string? context)
    {
        var (code, message) = Parse(error.Message);
        return new OrtException(code, context is null ? message : $"{context}: {message}", error);
    }

    /// <summary>Splits "[ErrorCode:Name] text" into the code and the text; other messages are <see cref="OrtErrorCode.Fail"/>.</summary>
    public static (OrtErrorCode Code, string Message) Parse(string message)
    {
        var match = CodePrefix().Match(message);
        if (!match.Success)
        {
            return (OrtErrorCode.Fail, message);
        }

        var code = Enum.TryParse<OrtErrorCode>(match.Groups[1].Value, ignoreCase: true, out var parsed) ? parsed : OrtErrorCode.Fail;
        return (code, message[match.Length..]);
    }

    [GeneratedRegex(@"^\[ErrorCode:([A-Za-z]+)\]\s*")]
    private static partial Regex CodePrefix();
}

using System.Runtime.InteropServices;
using System.Text;

namespace WebDiffusion.Onnx.Native;

/// <summary>UTF-8 / ORTCHAR_T string marshalling for the C API.</summary>
internal static unsafe class Utf8
{
    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="value"/>.</summary>
    public static byte[] Encode(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    /// <summary>
    /// A NUL-terminated ORTCHAR_T path: UTF-16 on Windows (wchar_t), UTF-8 elsewhere. Pass the first
    /// byte's address where the C API takes <c>const ORTCHAR_T*</c>.
    /// </summary>
    public static byte[] EncodePath(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            return Encode(path);
        }

        var bytes = new byte[(path.Length + 1) * 2];
        Encoding.Unicode.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>Copies a NUL-terminated UTF-8 string; null gives the empty string.</summary>
    public static string ToStringOrEmpty(byte* value) =>
        value is null ? string.Empty : Marshal.PtrToStringUTF8((nint)value) ?? string.Empty;
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>A NumPy .npy file (format 1.0/2.0, C order, little-endian <c>&lt;f4</c>, <c>&lt;i8</c> or <c>|u1</c>) read into memory.</summary>
public sealed partial class NpyArray
{
    private NpyArray(string descr, long[] shape, byte[] data)
    {
        Descr = descr;
        Shape = shape;
        Data = data;
    }

    /// <summary>The dtype descriptor, e.g. <c>&lt;f4</c>.</summary>
    public string Descr { get; }

    /// <summary>The shape.</summary>
    public long[] Shape { get; }

    /// <summary>The raw element bytes.</summary>
    public byte[] Data { get; }

    /// <summary>Elements as float32 (the file must be <c>&lt;f4</c>).</summary>
    public float[] Floats => Descr == "<f4" ? MemoryMarshal.Cast<byte, float>(Data).ToArray() : throw new InvalidDataException("not <f4: " + Descr);

    /// <summary>Elements as int64 (the file must be <c>&lt;i8</c>).</summary>
    public long[] Int64s => Descr == "<i8" ? MemoryMarshal.Cast<byte, long>(Data).ToArray() : throw new InvalidDataException("not <i8: " + Descr);

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static NpyArray Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException(path + " is not a .npy file");
        }

        var major = bytes[6];
        var (headerLength, start) = major == 1 ? (BitConverter.ToUInt16(bytes, 8), 10) : ((int)BitConverter.ToUInt32(bytes, 8), 12);
        var header = Encoding.ASCII.GetString(bytes, start, headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException(path + " is in Fortran order");
        }

        var shapeText = ShapePattern().Match(header).Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new NpyArray(descr, shape, bytes[(start + headerLength)..]);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}

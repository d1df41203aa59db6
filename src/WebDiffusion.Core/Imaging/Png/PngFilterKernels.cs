using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>
/// The encoder's scanline work, vectorised with <see cref="Vector128"/>: all five filters of a row and their
/// "minimum sum of absolute values" scores in one pass, and RGBA to RGB packing. Each filtered byte depends only on
/// the unfiltered row and the unfiltered previous row, so every lane is independent.
/// </summary>
internal static class PngFilterKernels
{
    /// <summary>Candidate rows <see cref="FilterAll"/> writes: Sub, Up, Average, Paeth (None is the row itself).</summary>
    public const int CandidateCount = 4;

    /// <summary>
    /// Writes <paramref name="row"/> filtered with Sub, Up, Average and Paeth into consecutive slices of
    /// <paramref name="candidates"/> (each <c>row.Length</c> long) and returns the filter whose output has the smallest
    /// sum of absolute values read as signed bytes; ties go to the lower filter type, as a sequential scan would pick.
    /// </summary>
    /// <param name="row">The unfiltered row.</param>
    /// <param name="previous">The unfiltered previous row (zeros for the first row); same length.</param>
    /// <param name="bpp">Bytes per pixel (the filters' left distance), 1 or more.</param>
    /// <param name="candidates">At least <see cref="CandidateCount"/> × <c>row.Length</c> bytes.</param>
    public static PngFilterType FilterAll(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> candidates)
    {
        var n = row.Length;
        if (previous.Length < n || candidates.Length < CandidateCount * n || bpp < 1)
        {
            throw new ArgumentException("Row buffers are too short for the row.");
        }

        ref var x = ref MemoryMarshal.GetReference(row);
        ref var up = ref MemoryMarshal.GetReference(previous);
        ref var outSub = ref MemoryMarshal.GetReference(candidates);
        ref var outUp = ref Unsafe.Add(ref outSub, n);
        ref var outAvg = ref Unsafe.Add(ref outUp, n);
        ref var outPaeth = ref Unsafe.Add(ref outAvg, n);

        long sumNone = 0, sumSub = 0, sumUp = 0, sumAvg = 0, sumPaeth = 0;
        var i = 0;

        // The first pixel has no left neighbour: a = c = 0.
        for (; i < bpp && i < n; i++)
        {
            var xi = Unsafe.Add(ref x, i);
            var b = Unsafe.Add(ref up, i);
            var fUp = (byte)(xi - b);
            var fAvg = (byte)(xi - (b >> 1));
            Unsafe.Add(ref outSub, i) = xi;
            Unsafe.Add(ref outUp, i) = fUp;
            Unsafe.Add(ref outAvg, i) = fAvg;
            Unsafe.Add(ref outPaeth, i) = fUp;
            sumNone += Abs(xi);
            sumSub += Abs(xi);
            sumUp += Abs(fUp);
            sumAvg += Abs(fAvg);
            sumPaeth += Abs(fUp);
        }

        if (Vector128.IsHardwareAccelerated && n - i >= Vector128<byte>.Count)
        {
            var accNone = Vector128<ulong>.Zero;
            var accSub = Vector128<ulong>.Zero;
            var accUp = Vector128<ulong>.Zero;
            var accAvg = Vector128<ulong>.Zero;
            var accPaeth = Vector128<ulong>.Zero;
            for (; i <= n - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var offset = (nuint)i;
                var left = (nuint)(i - bpp);
                var vx = Vector128.LoadUnsafe(ref x, offset);
                var va = Vector128.LoadUnsafe(ref x, left);
                var vb = Vector128.LoadUnsafe(ref up, offset);
                var vc = Vector128.LoadUnsafe(ref up, left);

                var fSub = vx - va;
                var fUp = vx - vb;
                var fAvg = vx - Average(va, vb);
                var fPaeth = vx - PaethPredictor(va, vb, vc);

                fSub.StoreUnsafe(ref outSub, offset);
                fUp.StoreUnsafe(ref outUp, offset);
                fAvg.StoreUnsafe(ref outAvg, offset);
                fPaeth.StoreUnsafe(ref outPaeth, offset);

                accNone = Accumulate(accNone, vx);
                accSub = Accumulate(accSub, fSub);
                accUp = Accumulate(accUp, fUp);
                accAvg = Accumulate(accAvg, fAvg);
                accPaeth = Accumulate(accPaeth, fPaeth);
            }

            sumNone += (long)Vector128.Sum(accNone);
            sumSub += (long)Vector128.Sum(accSub);
            sumUp += (long)Vector128.Sum(accUp);
            sumAvg += (long)Vector128.Sum(accAvg);
            sumPaeth += (long)Vector128.Sum(accPaeth);
        }

        for (; i < n; i++)
        {
            var xi = Unsafe.Add(ref x, i);
            var a = Unsafe.Add(ref x, i - bpp);
            var b = Unsafe.Add(ref up, i);
            var c = Unsafe.Add(ref up, i - bpp);
            var fSub = (byte)(xi - a);
            var fUp = (byte)(xi - b);
            var fAvg = (byte)(xi - ((a + b) >> 1));
            var fPaeth = (byte)(xi - PngScanlines.Paeth(a, b, c));
            Unsafe.Add(ref outSub, i) = fSub;
            Unsafe.Add(ref outUp, i) = fUp;
            Unsafe.Add(ref outAvg, i) = fAvg;
            Unsafe.Add(ref outPaeth, i) = fPaeth;
            sumNone += Abs(xi);
            sumSub += Abs(fSub);
            sumUp += Abs(fUp);
            sumAvg += Abs(fAvg);
            sumPaeth += Abs(fPaeth);
        }

        var best = PngFilterType.None;
        var bestSum = sumNone;
        Consider(PngFilterType.Sub, sumSub, ref best, ref bestSum);
        Consider(PngFilterType.Up, sumUp, ref best, ref bestSum);
        Consider(PngFilterType.Average, sumAvg, ref best, ref bestSum);
        Consider(PngFilterType.Paeth, sumPaeth, ref best, ref bestSum);
        return best;
    }

    /// <summary>The slice of <paramref name="candidates"/> that <see cref="FilterAll"/> wrote for <paramref name="filter"/> (not None).</summary>
    public static ReadOnlySpan<byte> Candidate(ReadOnlySpan<byte> candidates, PngFilterType filter, int rowLength) =>
        candidates.Slice(((int)filter - 1) * rowLength, rowLength);

    /// <summary>Packs RGBA pixels into RGB: <paramref name="rgb"/> receives 3 bytes for every 4 of <paramref name="rgba"/>.</summary>
    public static void RgbaToRgb(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var pixels = rgba.Length / 4;
        if (rgb.Length < pixels * 3)
        {
            throw new ArgumentException("The RGB buffer is too short.", nameof(rgb));
        }

        ref var src = ref MemoryMarshal.GetReference(rgba);
        ref var dst = ref MemoryMarshal.GetReference(rgb);
        int i = 0, j = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // 4 pixels in, 12 bytes out; the store writes 16, so stop while 16 still fit in the destination.
            var shuffle = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15);
            for (; i <= rgba.Length - 16 && j <= rgb.Length - 16; i += 16, j += 12)
            {
                Vector128.Shuffle(Vector128.LoadUnsafe(ref src, (nuint)i), shuffle).StoreUnsafe(ref dst, (nuint)j);
            }
        }

        for (; i <= rgba.Length - 4; i += 4, j += 3)
        {
            Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, i);
            Unsafe.Add(ref dst, j + 1) = Unsafe.Add(ref src, i + 1);
            Unsafe.Add(ref dst, j + 2) = Unsafe.Add(ref src, i + 2);
        }
    }

    /// <summary>True when every fourth byte (alpha) of <paramref name="rgba"/> is 255.</summary>
    public static bool IsOpaque(ReadOnlySpan<byte> rgba)
    {
        ref var p = ref MemoryMarshal.GetReference(rgba);
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // OR-ing in 0xFF everywhere but the alpha bytes leaves all-ones exactly when every alpha is 255.
            var notAlpha = Vector128.Create(0x00FFFFFFu).AsByte();
            var all = Vector128<byte>.AllBitsSet;
            for (; i <= rgba.Length - 64; i += 64)
            {
                var v = Vector128.LoadUnsafe(ref p, (nuint)i)
                    & Vector128.LoadUnsafe(ref p, (nuint)(i + 16))
                    & Vector128.LoadUnsafe(ref p, (nuint)(i + 32))
                    & Vector128.LoadUnsafe(ref p, (nuint)(i + 48));
                if ((v | notAlpha) != all)
                {
                    return false;
                }
            }
        }

        for (i += 3; i < rgba.Length; i += 4)
        {
            if (Unsafe.Add(ref p, i) != 255)
            {
                return false;
            }
        }

        return true;
    }

    private static void Consider(PngFilterType filter, long sum, ref PngFilterType best, ref long bestSum)
    {
        if (sum < bestSum)
        {
            bestSum = sum;
            best = filter;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Abs(byte b) => b < 128 ? b : 256 - b;

    /// <summary>floor((a + b) / 2) without leaving bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Average(Vector128<byte> a, Vector128<byte> b) =>
        (a & b) + (Vector128.ShiftRightLogical((a ^ b).AsUInt16(), 1).AsByte() & Vector128.Create((byte)0x7F));

    /// <summary>The Paeth predictor per lane, computed on 16-bit lanes: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> PaethPredictor(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c)
    {
        var (aLo, aHi) = Vector128.Widen(a);
        var (bLo, bHi) = Vector128.Widen(b);
        var (cLo, cHi) = Vector128.Widen(c);
        var (takeALo, takeBLo) = PaethMasks(aLo.AsInt16(), bLo.AsInt16(), cLo.AsInt16());
        var (takeAHi, takeBHi) = PaethMasks(aHi.AsInt16(), bHi.AsInt16(), cHi.AsInt16());
        var takeA = Vector128.Narrow(takeALo.AsUInt16(), takeAHi.AsUInt16());
        var takeB = Vector128.Narrow(takeBLo.AsUInt16(), takeBHi.AsUInt16());
        return Vector128.ConditionalSelect(takeA, a, Vector128.ConditionalSelect(takeB, b, c));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<short> TakeA, Vector128<short> TakeB) PaethMasks(Vector128<short> a, Vector128<short> b, Vector128<short> c)
    {
        var bc = b - c;
        var ac = a - c;
        var pa = Vector128.Abs(bc);
        var pb = Vector128.Abs(ac);
        var pc = Vector128.Abs(bc + ac);
        var takeA = Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc);
        return (takeA, Vector128.LessThanOrEqual(pb, pc));
    }

    /// <summary>Adds the bytes' absolute values (read as signed) into the 64-bit lanes of <paramref name="acc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Accumulate(Vector128<ulong> acc, Vector128<byte> filtered)
    {
        // |(sbyte)v| as an unsigned byte is min(v, 256 − v); 0x80 maps to 128 as in the scalar heuristic.
        var abs = Vector128.Min(filtered, Vector128<byte>.Zero - filtered);
        if (Sse2.IsSupported)
        {
            return acc + Sse2.SumAbsoluteDifferences(abs, Vector128<byte>.Zero).AsUInt64();
        }

        var words = Vector128.WidenLower(abs) + Vector128.WidenUpper(abs);
        var dwords = Vector128.WidenLower(words) + Vector128.WidenUpper(words);
        return acc + Vector128.WidenLower(dwords) + Vector128.WidenUpper(dwords);
    }
}

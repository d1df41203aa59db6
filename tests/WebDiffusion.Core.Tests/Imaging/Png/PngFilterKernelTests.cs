using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Tests.Imaging.Png;

public class PngFilterKernelTests
{
    public static TheoryData<int, string> RowShapes()
    {
        var data = new TheoryData<int, string>();
        foreach (var bpp in new[] { 3, 4 })
        {
            foreach (var kind in new[] { "random", "smooth", "extremes" })
            {
                data.Add(bpp, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RowShapes))]
    public void Vectorised_filters_match_a_scalar_reference(int bpp, string kind)
    {
        var random = new Random((bpp * 31) + kind.Length);

        // Lengths around the vector width, including ones that are not multiples of it (or of bpp), and a long row.
        int[] lengths = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 18, 19, 20, 21, 31, 32, 33, 35, 47, 48, 49, 63, 64, 65, 67, 100, 255, 1023 * 3, 1023 * 4, 3001];
        foreach (var length in lengths)
        {
            for (var trial = 0; trial < 4; trial++)
            {
                var row = MakeRow(random, length, kind);
                var previous = MakeRow(random, length, kind);
                var candidates = new byte[PngFilterKernels.CandidateCount * length];

                var chosen = PngFilterKernels.FilterAll(row, previous, bpp, candidates);

                var expectedBest = 0;
                var bestSum = long.MaxValue;
                for (var f = 0; f < 5; f++)
                {
                    var expected = ReferenceFilter(f, row, previous, bpp);
                    if (f > 0)
                    {
                        var actual = PngFilterKernels.Candidate(candidates, (PngFilterType)f, length).ToArray();
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"filter {f}, bpp {bpp}, length {length}, {kind}");
                    }

                    var sum = ReferenceSumOfAbs(expected);
                    if (sum < bestSum)
                    {
                        bestSum = sum;
                        expectedBest = f;
                    }
                }

                Assert.Equal((PngFilterType)expectedBest, chosen);
            }
        }
    }

    [Fact]
    public void Every_filter_wins_somewhere()
    {
        // Guards the reference comparison above against inputs where one filter always wins.
        var random = new Random(5);
        var seen = new HashSet<PngFilterType>();
        for (var trial = 0; trial < 2000 && seen.Count < 5; trial++)
        {
            var length = 48;
            var row = MakeRow(random, length, trial % 2 == 0 ? "smooth" : "random");
            var previous = MakeRow(random, length, "smooth");
            seen.Add(PngFilterKernels.FilterAll(row, previous, 3, new byte[PngFilterKernels.CandidateCount * length]));
        }

        Assert.Equal(5, seen.Count);
    }

    [Fact]
    public void Paeth_ties_and_byte_extremes_match_the_scalar_predictor()
    {
        // Exhaustive over a, b, c in a coarse grid that hits every tie case and the 0/255 ends.
        byte[] values = [0, 1, 2, 64, 127, 128, 129, 200, 254, 255];
        var triples = (from a in values from b in values from c in values select (a, b, c)).ToArray();
        const int bpp = 1;
        var row = new byte[triples.Length * 2];
        var previous = new byte[triples.Length * 2];

        // Lay each triple out so that for byte i: left = row[i - 1] = a, up = previous[i] = b, upper-left = previous[i - 1] = c.
        for (var t = 0; t < triples.Length; t++)
        {
            var (a, b, c) = triples[t];
            row[2 * t] = a;
            row[(2 * t) + 1] = (byte)(a ^ b ^ c);
            previous[2 * t] = c;
            previous[(2 * t) + 1] = b;
        }

        var candidates = new byte[PngFilterKernels.CandidateCount * row.Length];
        PngFilterKernels.FilterAll(row, previous, bpp, candidates);
        Assert.Equal(ReferenceFilter(4, row, previous, bpp), PngFilterKernels.Candidate(candidates, PngFilterType.Paeth, row.Length).ToArray());
        Assert.Equal(ReferenceFilter(3, row, previous, bpp), PngFilterKernels.Candidate(candidates, PngFilterType.Average, row.Length).ToArray());
    }

    [Fact]
    public void Rgba_to_rgb_packing_matches_a_scalar_copy()
    {
        var random = new Random(7);
        foreach (var pixels in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 1023 })
        {
            var rgba = new byte[pixels * 4];
            random.NextBytes(rgba);
            var expected = new byte[pixels * 3];
            for (var p = 0; p < pixels; p++)
            {
                expected[3 * p] = rgba[4 * p];
                expected[(3 * p) + 1] = rgba[(4 * p) + 1];
                expected[(3 * p) + 2] = rgba[(4 * p) + 2];
            }

            var actual = new byte[pixels * 3];
            PngFilterKernels.RgbaToRgb(rgba, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Opacity_check_finds_any_translucent_pixel()
    {
        foreach (var pixels in new[] { 1, 3, 16, 17, 33, 1000 })
        {
            var rgba = new byte[pixels * 4];
            Array.Fill(rgba, (byte)255);
            Assert.True(PngFilterKernels.IsOpaque(rgba));
            for (var p = 0; p < pixels; p++)
            {
                rgba[(4 * p) + 3] = 254;
                Assert.False(PngFilterKernels.IsOpaque(rgba));
                rgba[(4 * p) + 3] = 255;

                // Colour bytes never count.
                rgba[4 * p] = 0;
                Assert.True(PngFilterKernels.IsOpaque(rgba));
            }
        }
    }

    private static byte[] MakeRow(Random random, int length, string kind)
    {
        var row = new byte[length];
        switch (kind)
        {
            case "random":
                random.NextBytes(row);
                break;
            case "smooth":
                var v = random.Next(256);
                for (var i = 0; i < length; i++)
                {
                    v = (v + random.Next(-3, 4)) & 0xFF;
                    row[i] = (byte)v;
                }

                break;
            default:
                for (var i = 0; i < length; i++)
                {
                    row[i] = (byte)(random.Next(4) switch { 0 => 0, 1 => 255, 2 => 128, _ => 127 });
                }

                break;
        }

        return row;
    }

    private static byte[] ReferenceFilter(int filter, byte[] row, byte[] previous, int bpp)
    {
        var output = new byte[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = previous[i];
            int c = i >= bpp ? previous[i - bpp] : 0;
            var predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => ReferencePaeth(a, b, c),
            };
            output[i] = (byte)(row[i] - predictor);
        }

        return output;
    }

    private static int ReferencePaeth(int a, int b, int c)
    {
        // As written in the PNG specification, section 9.4.
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }

        return pb <= pc ? b : c;
    }

    private static long ReferenceSumOfAbs(byte[] filtered) => filtered.Sum(x => (long)Math.Abs((int)(sbyte)x));
}

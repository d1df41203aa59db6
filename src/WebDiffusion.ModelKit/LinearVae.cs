namespace WebDiffusion.ModelKit;

/// <summary>
/// The analytic model's linear VAE. Each latent pixel z (4 values) becomes an 8×8 block of RGB:
/// the flat colour A·z (A: SD1.x's familiar latent→RGB approximation) plus a zero-mean ±1 checkerboard times
/// u·(w·z), which carries the fourth degree of freedom that three flat colours cannot. The decoder is one
/// ConvTranspose (kernel 8, stride 8); the encoder is one Conv (kernel 8, stride 8) computing the 8×8 average
/// and the checkerboard-weighted average of each block, then the inverse 4×4 map, so encode(decode(z)) = z.
/// </summary>
public static class LinearVae
{
    /// <summary>The spatial factor between latents and pixels.</summary>
    public const int Factor = 8;

    /// <summary>latent channel k → RGB channel c (indexed [k, c]).</summary>
    internal static readonly double[,] ToRgb =
    {
        { 0.298, 0.207, 0.208 },
        { 0.187, 0.286, 0.173 },
        { -0.158, 0.189, 0.264 },
        { -0.184, -0.271, -0.473 },
    };

    /// <summary>The checkerboard colour u.</summary>
    internal static readonly double[] DetailColor = [0.5, 0.5, 0.5];

    /// <summary>The latent functional w carried by the checkerboard.</summary>
    internal static readonly double[] DetailWeights = [0.25, -0.25, 0.25, 0.5];

    /// <summary>Decoder weights for ConvTranspose: [4 (in), 3 (out), 8, 8].</summary>
    public static float[] DecoderWeights()
    {
        var w = new float[4 * 3 * Factor * Factor];
        for (var k = 0; k < 4; k++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var a = 0; a < Factor; a++)
                {
                    for (var b = 0; b < Factor; b++)
                    {
                        w[Index(k, c, a, b)] = (float)(ToRgb[k, c] + (Checker(a, b) * DetailColor[c] * DetailWeights[k]));
                    }
                }
            }
        }

        return w;
    }

    /// <summary>Encoder weights for Conv: [4 (out), 3 (in), 8, 8].</summary>
    public static float[] EncoderWeights()
    {
        // Features per block: f_c = mean of channel c (c = 0..2), f_3 = Σ checker·u_c·pixel / (64·|u|²) = w·z.
        // f = Q·z with Q = [Aᵀ; w]; z = Q⁻¹·f.
        var q = new double[4, 4];
        for (var k = 0; k < 4; k++)
        {
            for (var c = 0; c < 3; c++)
            {
                q[c, k] = ToRgb[k, c];
            }

            q[3, k] = DetailWeights[k];
        }

        var inverse = Invert(q);
        var u2 = DetailColor.Sum(u => u * u);
        var n = (double)(Factor * Factor);
        var weights = new float[4 * 3 * Factor * Factor];
        for (var k = 0; k < 4; k++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var a = 0; a < Factor; a++)
                {
                    for (var b = 0; b < Factor; b++)
                    {
                        var feature = (inverse[k, c] / n) + (inverse[k, 3] * Checker(a, b) * DetailColor[c] / (n * u2));
                        weights[Index(k, c, a, b)] = (float)feature;
                    }
                }
            }
        }

        return weights;
    }

    private static int Index(int k, int c, int a, int b) => (((k * 3) + c) * Factor * Factor) + (a * Factor) + b;

    private static double Checker(int a, int b) => ((a + b) & 1) == 0 ? 1.0 : -1.0;

    private static double[,] Invert(double[,] m)
    {
        const int N = 4;
        var a = new double[N, 2 * N];
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < N; j++)
            {
                a[i, j] = m[i, j];
            }

            a[i, N + i] = 1;
        }

        for (var col = 0; col < N; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < N; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (var j = 0; j < 2 * N; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            var p = a[col, col];
            for (var j = 0; j < 2 * N; j++)
            {
                a[col, j] /= p;
            }

            for (var r = 0; r < N; r++)
            {
                if (r == col)
                {
                    continue;
                }

                var f = a[r, col];
                for (var j = 0; j < 2 * N; j++)
                {
                    a[r, j] -= f * a[col, j];
                }
            }
        }

        var inverse = new double[N, N];
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < N; j++)
            {
                inverse[i, j] = a[i, N + j];
            }
        }

        return inverse;
    }
}

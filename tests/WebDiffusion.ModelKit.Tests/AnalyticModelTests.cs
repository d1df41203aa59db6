using System.Text.Json;
using WebDiffusion.ModelKit.Tests.Infrastructure;

namespace WebDiffusion.ModelKit.Tests;

public class AnalyticModelTests
{
    private static readonly AnalyticModelParameters Parameters = new(-0.3f, 1.3f);

    [Fact]
    public void Independent_sigma_table_matches_the_published_sigma_range()
    {
        var sigmas = SigmaTable();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.ClipFolder, "..", "schedules", "schedules.json")));
        var ldm = doc.RootElement.GetProperty("ldm_kdiffusion");
        Assert.Equal(ldm.GetProperty("sigma_min_f64").GetDouble(), sigmas[0], 1e-12);
        Assert.Equal(ldm.GetProperty("sigma_max_f64").GetDouble(), sigmas[999], 1e-9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(10.25)]
    [InlineData(250.0)]
    [InlineData(499.7)]
    [InlineData(998.4)]
    [InlineData(999.0)]
    public void Unet_output_is_the_exact_eps_of_a_gaussian_at_the_tables_sigma(double t)
    {
        using var model = new TempModel(Parameters);
        using var unet = TestEnvironment.Runtime.CreateSession(model.Component("unet"));
        var sigma = SigmaAt(t);
        var cIn = 1.0 / Math.Sqrt((sigma * sigma) + 1);
        const int Count = 2 * 4 * 8 * 8;
        var random = new Random(42);
        var x = Enumerable.Range(0, Count).Select(_ => Parameters.Mean + (Parameters.StdDev * Gaussian(random)) + (sigma * Gaussian(random))).ToArray();
        var sample = x.Select(v => (float)(v * cIn)).ToArray();
        var text = TinyModelRunTests.Noise(2 * 77 * TinyModelWriter.TextHiddenSize, 1);

        var eps = SessionRunner.Run(unet, "out_sample",
            ("sample", sample, [2, 4, 8, 8]),
            ("timestep", new[] { (float)t, (float)t }, [2]),
            ("encoder_hidden_states", text, [2, 77, TinyModelWriter.TextHiddenSize]));

        double s2 = Parameters.StdDev * Parameters.StdDev;
        for (var i = 0; i < Count; i++)
        {
            var xi = sample[i] / cIn;
            var denoised = ((s2 * xi) + (sigma * sigma * Parameters.Mean)) / (s2 + (sigma * sigma));
            var expected = (xi - denoised) / sigma;
            Assert.True(Math.Abs(expected - eps.Values[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"t={t} i={i}: expected {expected}, got {eps.Values[i]}");
        }
    }

    [Fact]
    public void Text_is_an_input_and_is_ignored()
    {
        using var model = new TempModel(Parameters);
        using var unet = TestEnvironment.Runtime.CreateSession(model.Component("unet"));
        Assert.NotNull(unet.FindInput("encoder_hidden_states"));
        var sample = TinyModelRunTests.Noise(2 * 4 * 8 * 8, 3);
        float[] RunWith(int seed) => SessionRunner.Run(unet, "out_sample",
            ("sample", sample, [2, 4, 8, 8]),
            ("timestep", new[] { 300f, 300f }, [2]),
            ("encoder_hidden_states", TinyModelRunTests.Noise(2 * 77 * 32, seed), [2, 77, 32])).Values;
        Assert.Equal(RunWith(1), RunWith(2));
    }

    [Fact]
    public void Parameters_are_recorded_in_analytic_json()
    {
        using var model = new TempModel(Parameters);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Folder, AnalyticModelParameters.FileName)));
        Assert.Equal(Parameters.Mean, (float)doc.RootElement.GetProperty("mean").GetDouble());
        Assert.Equal(Parameters.StdDev, (float)doc.RootElement.GetProperty("std").GetDouble());
    }

    [Fact]
    public void Linear_vae_round_trips_and_blocks_average_to_the_flat_colour()
    {
        using var model = new TempModel(Parameters);
        using var decoder = TestEnvironment.Runtime.CreateSession(model.Component("vae_decoder"));
        using var encoder = TestEnvironment.Runtime.CreateSession(model.Component("vae_encoder"));
        const int B = 2, H = 3, W = 5;
        var z = TinyModelRunTests.Noise(B * 4 * H * W, 9).Select(v => v * 3).ToArray();

        var image = SessionRunner.Run(decoder, "sample", ("latent_sample", z, [B, 4, H, W]));
        Assert.Equal([B, 3, 8 * H, 8 * W], image.Shape);
        var back = SessionRunner.Run(encoder, "latent_sample", ("sample", image.Values, image.Shape));
        Assert.Equal([B, 4, H, W], back.Shape);
        for (var i = 0; i < z.Length; i++)
        {
            Assert.True(Math.Abs(z[i] - back.Values[i]) < 1e-5 * Math.Max(1, Math.Abs(z[i])), $"latent {i}: {z[i]} → {back.Values[i]}");
        }

        // Block (b=1, y=2, x=4): the mean of its 64 pixels per channel is the flat colour Σ_k A[k,c]·z_k.
        double[,] a = { { 0.298, 0.207, 0.208 }, { 0.187, 0.286, 0.173 }, { -0.158, 0.189, 0.264 }, { -0.184, -0.271, -0.473 } };
        for (var c = 0; c < 3; c++)
        {
            double sum = 0;
            for (var dy = 0; dy < 8; dy++)
            {
                for (var dx = 0; dx < 8; dx++)
                {
                    sum += image.Values[(((((1 * 3) + c) * 8 * H) + (2 * 8) + dy) * 8 * W) + (4 * 8) + dx];
                }
            }

            var flat = Enumerable.Range(0, 4).Sum(k => a[k, c] * z[(((1 * 4) + k) * H * W) + (2 * W) + 4]);
            Assert.Equal(flat, sum / 64, 5);
        }
    }

    /// <summary>σ_i = sqrt((1 − ᾱ_i)/ᾱ_i), ᾱ_i = exp(Σ_{j≤i} ln(1 − β_j)), β_j = (√0.00085 + j·(√0.012 − √0.00085)/999)².</summary>
    internal static double[] SigmaTable()
    {
        var sigmas = new double[1000];
        double logAlphaBar = 0;
        for (var j = 0; j < 1000; j++)
        {
            var root = Math.Sqrt(0.00085) + (j * (Math.Sqrt(0.012) - Math.Sqrt(0.00085)) / 999.0);
            logAlphaBar += Math.Log(1 - (root * root));
            var alphaBar = Math.Exp(logAlphaBar);
            sigmas[j] = Math.Sqrt((1 - alphaBar) / alphaBar);
        }

        return sigmas;
    }

    private static double SigmaAt(double t)
    {
        var table = SigmaTable();
        var low = (int)Math.Floor(t);
        var high = (int)Math.Ceiling(t);
        var w = t - low;
        return Math.Exp(((1 - w) * Math.Log(table[low])) + (w * Math.Log(table[high])));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

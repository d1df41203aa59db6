namespace WebDiffusion.Core.Imaging.Preview;

/// <summary>Linear latent→RGB matrices (rows: latent channels, columns: R, G, B), A1111's "Approx cheap" coefficients.</summary>
public sealed class LatentRgbFactors
{
    private readonly float[] _values;

    /// <summary>Creates factors from a channels × 3 row-major matrix.</summary>
    public LatentRgbFactors(int channels, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (values.Length != channels * 3)
        {
            throw new ArgumentException($"Expected {channels} x 3 factors.", nameof(values));
        }

        Channels = channels;
        _values = (float[])values.Clone();
    }

    /// <summary>SD 1.x / 2.x 4-channel latents.</summary>
    public static LatentRgbFactors StableDiffusion1 { get; } = new(4,
    [
        0.298f, 0.207f, 0.208f,
        0.187f, 0.286f, 0.173f,
        -0.158f, 0.189f, 0.264f,
        -0.184f, -0.271f, -0.473f,
    ]);

    /// <summary>SDXL 4-channel latents.</summary>
    public static LatentRgbFactors StableDiffusionXl { get; } = new(4,
    [
        0.3448f, 0.4168f, 0.4395f,
        -0.1953f, -0.0290f, 0.0250f,
        0.1074f, 0.0886f, -0.0163f,
        -0.3730f, -0.2499f, -0.2088f,
    ]);

    /// <summary>Latent channels the matrix expects.</summary>
    public int Channels { get; }

    /// <summary>The factor for latent channel <paramref name="channel"/> and colour <paramref name="rgb"/> (0 R, 1 G, 2 B).</summary>
    public float this[int channel, int rgb] => _values[(channel * 3) + rgb];
}

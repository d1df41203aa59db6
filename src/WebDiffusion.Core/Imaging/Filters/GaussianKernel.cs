namespace WebDiffusion.Core.Imaging.Filters;

/// <summary>1-D Gaussian kernels as OpenCV's <c>getGaussianKernel</c> builds them for a positive sigma.</summary>
public static class GaussianKernel
{
    /// <summary>A1111's mask-blur kernel size for a blur amount: <c>2 × int(2.5 × blur + 0.5) + 1</c>.</summary>
    public static int A1111KernelSize(double blur)
    {
        if (blur < 0 || !double.IsFinite(blur))
        {
            throw new ArgumentOutOfRangeException(nameof(blur), "Blur must be a finite non-negative number.");
        }

        return (2 * (int)((2.5 * blur) + 0.5)) + 1;
    }

    /// <summary>The normalised weights <c>exp(−(i − (size−1)/2)² / (2σ²))</c> for i in 0..size−1.</summary>
    public static float[] Create(int size, double sigma)
    {
        if (size < 1 || size % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "Kernel size must be a positive odd number.");
        }

        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), "Sigma must be a positive finite number.");
        }

        var weights = new double[size];
        double sum = 0;
        var center = (size - 1) / 2.0;
        for (var i = 0; i < size; i++)
        {
            var d = i - center;
            weights[i] = Math.Exp(-(d * d) / (2 * sigma * sigma));
            sum += weights[i];
        }

        return weights.Select(w => (float)(w / sum)).ToArray();
    }
}

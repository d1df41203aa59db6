namespace WebDiffusion.Core.Imaging.Edges;

/// <summary>Canny parameters with OpenCV's meaning of the thresholds (on the L1 gradient magnitude of a 3×3 Sobel).</summary>
public sealed record CannyOptions
{
    /// <summary>Weak-edge threshold (ControlNet's default 100).</summary>
    public double LowThreshold { get; init; } = 100;

    /// <summary>Strong-edge threshold (ControlNet's default 200).</summary>
    public double HighThreshold { get; init; } = 200;

    /// <summary>Sigma of the 5×5 Gaussian applied first; 0 skips it (OpenCV's <c>Canny</c> itself does not blur).</summary>
    public double PreBlurSigma { get; init; } = 1.4;

    /// <summary>Use the L2 magnitude sqrt(gx² + gy²) instead of |gx| + |gy|.</summary>
    public bool L2Gradient { get; init; }
}

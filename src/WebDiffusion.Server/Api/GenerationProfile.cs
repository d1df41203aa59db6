namespace WebDiffusion.Server.Api;

/// <summary>Which defaults a job's missing fields take: the API it came in through decides.</summary>
public enum GenerationProfile
{
    /// <summary>The native <c>/api/jobs</c>: A1111's UI defaults (DPM++ 2M, 20 steps).</summary>
    Native,

    /// <summary><c>/sdapi/v1/*</c>: A1111's HTTP API defaults (Euler, 50 steps).</summary>
    A1111,
}

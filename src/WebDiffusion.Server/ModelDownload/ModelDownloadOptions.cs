namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Settings of <c>models pull</c> (section <c>WebDiffusion</c>): the hub to download from and the network limits.
/// The token comes from the environment variable <c>HF_TOKEN</c>, never from a file.
/// </summary>
public sealed class ModelDownloadOptions
{
    /// <summary>Configuration key of the hub token (the environment variable of the same name).</summary>
    public const string TokenKey = "HF_TOKEN";

    /// <summary>Base URL of the Hugging Face hub or a mirror of it.</summary>
    public string HubBaseUrl { get; set; } = "https://huggingface.co";

    /// <summary>Seconds to wait for a response's headers (and for a listing to complete).</summary>
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>Seconds a download may go without receiving a byte before it is retried.</summary>
    public int ReadTimeoutSeconds { get; set; } = 60;

    /// <summary>Attempts per request for transient failures (5xx, 429, connection errors, timeouts).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry in milliseconds; doubles after each attempt (capped at 30 s).</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;
}

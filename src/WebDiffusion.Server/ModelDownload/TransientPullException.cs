namespace WebDiffusion.Server.ModelDownload;

/// <summary>A failure worth retrying (server error, rate limit, cut connection, timeout); the message is for the user.</summary>
internal sealed class TransientPullException : Exception
{
    public TransientPullException()
    {
    }

    public TransientPullException(string message)
        : base(message)
    {
    }

    public TransientPullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace WebDiffusion.Server.ModelDownload;

/// <summary>A pull that cannot go on; the message is written for the user (it names the file and the HTTP status).</summary>
public sealed class ModelPullException : Exception
{
    public ModelPullException()
    {
    }

    public ModelPullException(string message)
        : base(message)
    {
    }

    public ModelPullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace WebDiffusion.Server.Jobs;

/// <summary>The job journal cannot be opened by this build (written by a newer WebDiffusion); the file is left as it is.</summary>
public sealed class JobStoreVersionException : Exception
{
    public JobStoreVersionException()
    {
    }

    public JobStoreVersionException(string message)
        : base(message)
    {
    }

    public JobStoreVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace WebDiffusion.Core.Imaging;

/// <summary>
/// The bytes are not an image this project can read: empty, truncated, corrupt, an unsupported format,
/// or past a configured size limit. The message says which, in words a user can act on.
/// </summary>
public class InvalidImageException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public InvalidImageException()
        : base("The file is not a valid image.")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public InvalidImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public InvalidImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

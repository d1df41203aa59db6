namespace WebDiffusion.Core.Imaging;

/// <summary>The image (or one of its compressed parts) is larger than the configured limit; nothing was decompressed past it.</summary>
public class ImageTooLargeException : InvalidImageException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ImageTooLargeException()
        : base("The image is larger than allowed.")
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public ImageTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ImageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace WebDiffusion.Core.Models;

/// <summary>
/// A model whose files do not fit what WebDiffusion loads. The message names the file, the input (when one is at
/// fault) and what was expected against what was found, so the user can fix or replace the export.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public ModelLoadException(string filePath, string? inputName, string expected, string found, Exception? innerException = null)
        : base(Compose(filePath, inputName, expected, found), innerException)
    {
        FilePath = filePath;
        InputName = inputName;
        Expected = expected;
        Found = found;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public ModelLoadException()
        : this("(unknown file)", null, "a loadable model", "nothing")
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
        FilePath = string.Empty;
        Expected = string.Empty;
        Found = string.Empty;
    }

    /// <summary>Creates the exception with a plain message and a cause.</summary>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
        Expected = string.Empty;
        Found = string.Empty;
    }

    /// <summary>The file at fault (absolute path).</summary>
    public string FilePath { get; }

    /// <summary>The graph input or output at fault, or null when the whole file is.</summary>
    public string? InputName { get; }

    /// <summary>What WebDiffusion expected.</summary>
    public string Expected { get; }

    /// <summary>What the file holds.</summary>
    public string Found { get; }

    private static string Compose(string filePath, string? inputName, string expected, string found) =>
        inputName is null
            ? $"{filePath}: expected {expected}, found {found}."
            : $"{filePath}: '{inputName}' — expected {expected}, found {found}.";
}

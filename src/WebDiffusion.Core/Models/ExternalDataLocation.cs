namespace WebDiffusion.Core.Models;

/// <summary>
/// Resolves the <c>location</c> of an ONNX external-data entry to a file inside the model's own folder. A location
/// that names another place (<c>../…</c>, an absolute path such as <c>/dev/zero</c>) or holds control characters is
/// refused before anything opens it.
/// </summary>
public static class ExternalDataLocation
{
    /// <summary>The full path of the weights file; throws <see cref="ModelLoadException"/> for a location outside the folder.</summary>
    public static string Resolve(string modelPath, string location, string tensorName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(location);
        var shown = "location '" + string.Concat(location.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + "'";
        if (location.Length == 0 || location.Any(char.IsControl) || Path.IsPathRooted(location))
        {
            throw new ModelLoadException(modelPath, tensorName, "an external weights file name inside the model folder", shown);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var weights = Path.GetFullPath(Path.Combine(folder, location));
        if (!weights.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelLoadException(modelPath, tensorName, "an external weights file name inside the model folder", shown);
        }

        return weights;
    }
}

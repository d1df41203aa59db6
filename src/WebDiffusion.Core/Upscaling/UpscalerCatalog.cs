namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// The model upscalers in A1111's folders: every <c>.pth</c>/<c>.safetensors</c> in <c>models/ESRGAN</c> named by its file
/// name without extension (scale 4, as A1111 lists them), and in <c>models/RealESRGAN</c> the Real-ESRGAN releases under
/// A1111's names (<c>R-ESRGAN 4x+</c>, <c>R-ESRGAN 4x+ Anime6B</c>, …; other files by their file name). Listed fresh on
/// every call (a directory listing; files are only read when used).
/// </summary>
public sealed class UpscalerCatalog(string modelsDir)
{
    private static readonly string[] Extensions = [".pth", ".safetensors"];

    private static readonly Dictionary<string, (string Name, double Scale)> RealEsrganNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RealESRGAN_x4plus"] = ("R-ESRGAN 4x+", 4),
        ["RealESRGAN_x4plus_anime_6B"] = ("R-ESRGAN 4x+ Anime6B", 4),
        ["realesr-general-x4v3"] = ("R-ESRGAN General 4xV3", 4),
        ["realesr-general-wdn-x4v3"] = ("R-ESRGAN General WDN 4xV3", 4),
        ["realesr-animevideov3"] = ("R-ESRGAN AnimeVideo", 4),
        ["RealESRGAN_x2plus"] = ("R-ESRGAN 2x+", 2),
    };

    /// <summary>The models folder.</summary>
    public string ModelsDir { get; } = Path.GetFullPath(modelsDir);

    /// <summary>Every upscaler model, ESRGAN folder first, each folder in name order; the first file of a name wins.</summary>
    public IReadOnlyList<UpscalerModelEntry> List()
    {
        var entries = new List<UpscalerModelEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, family) in new[] { ("ESRGAN", "ESRGAN"), ("RealESRGAN", "RealESRGAN") })
        {
            var path = Path.Combine(ModelsDir, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(path).Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                var stem = Path.GetFileNameWithoutExtension(file);
                var (name, scale) = family == "RealESRGAN" && RealEsrganNames.TryGetValue(stem, out var known) ? known : (stem, 4.0);
                if (names.Add(name))
                {
                    entries.Add(new UpscalerModelEntry(name, family, file, scale));
                }
            }
        }

        return entries;
    }

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public UpscalerModelEntry? Find(string name) => List().FirstOrDefault(e => e.Name == name);
}

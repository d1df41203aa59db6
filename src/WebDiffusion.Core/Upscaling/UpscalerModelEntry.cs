namespace WebDiffusion.Core.Upscaling;

/// <summary>One upscaler model file as A1111 lists it.</summary>
/// <param name="Name">The upscaler's name (<c>R-ESRGAN 4x+</c>, or the file name without extension).</param>
/// <param name="ModelName">The upscaler family A1111 reports as <c>model_name</c> (<c>ESRGAN</c>, <c>RealESRGAN</c>).</param>
/// <param name="Path">The file.</param>
/// <param name="Scale">The nominal scale A1111 lists.</param>
public sealed record UpscalerModelEntry(string Name, string ModelName, string Path, double Scale);

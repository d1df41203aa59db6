namespace WebDiffusion.Core.Generation;

/// <summary>Which pipeline a request runs.</summary>
public enum GenerationMode
{
    /// <summary>Text to image.</summary>
    Txt2Img,

    /// <summary>Image to image (also inpainting and outpainting when a mask is given).</summary>
    Img2Img,
}

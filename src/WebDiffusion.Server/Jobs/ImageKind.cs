namespace WebDiffusion.Server.Jobs;

/// <summary>What made an indexed image: the <c>kind</c> column of the image index.</summary>
public static class ImageKind
{
    /// <summary>A txt2img/img2img job's output (<c>outputs/txt2img-images</c>, <c>img2img-images</c>).</summary>
    public const string Generated = "generated";

    /// <summary>An Extras upscale (<c>outputs/extras-images</c>); it belongs to no job.</summary>
    public const string Extras = "extras";
}

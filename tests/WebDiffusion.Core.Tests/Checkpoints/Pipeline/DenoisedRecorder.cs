using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Preview;

namespace WebDiffusion.Core.Tests.Checkpoints.Pipeline;

/// <summary>A previewer that keeps a copy of the denoised latent the pipeline shows at every step.</summary>
internal sealed class DenoisedRecorder : ILatentPreviewer
{
    public List<float[]> Steps { get; } = [];

    public int Scale => 1;

    public void Render(ReadOnlySpan<float> latent, int channels, int height, int width, RgbaImage destination) =>
        Steps.Add(latent[..(channels * height * width)].ToArray());
}

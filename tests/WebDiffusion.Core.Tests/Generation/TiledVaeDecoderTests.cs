using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

public class TiledVaeDecoderTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public void Tiled_decode_matches_the_whole_decode_without_visible_seams()
    {
        var decoder = fixture.Context(TinyModelVariant.Fp32).Model.VaeDecoder;
        var shape = new LatentShape(4, 40, 56);
        var latents = new float[2 * shape.Count];
        new TorchCpuGenerator(5).Randn(latents);
        var whole = new float[2 * 3 * 320 * 448];
        var tiled = new float[whole.Length];

        decoder.Decode(latents, 2, 40, 56, whole);
        TiledVaeDecoder.Decode(decoder, latents, 2, shape, tileSize: 16, overlap: 8, tiled, CancellationToken.None);

        var worst = 0.0;
        for (var i = 0; i < whole.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(whole[i] - tiled[i]));
        }

        // The tiny decoder's receptive field is smaller than the feathered overlap, so tiles agree with the whole
        // image wherever their weight is non-zero: the blend reproduces it to float precision.
        Assert.True(worst < 1e-3, $"largest difference {worst}");
    }

    [Fact]
    public void Small_images_decode_whole()
    {
        var decoder = fixture.Context(TinyModelVariant.Fp32).Model.VaeDecoder;
        var shape = new LatentShape(4, 8, 8);
        var latents = new float[shape.Count];
        new TorchCpuGenerator(9).Randn(latents);
        var a = new float[3 * 64 * 64];
        var b = new float[a.Length];
        decoder.Decode(latents, 1, 8, 8, a);
        TiledVaeDecoder.Decode(decoder, latents, 1, shape, 64, 16, b, CancellationToken.None);
        Assert.Equal(a, b);
    }
}

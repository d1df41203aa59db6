using WebDiffusion.Core.Checkpoints.Compiler;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

public sealed class ClipTextLayoutTests
{
    [Fact]
    public void The_fixture_is_the_transformers_layout_and_pads_with_its_end_of_text_id()
    {
        using var tensors = SdReference.Open();
        var layout = ClipTextLayout.Detect(tensors, ClipTextLayout.Sd1KeyPrefix);
        var ids = SdReference.Input("clip_input_ids").Int64s;

        Assert.Same(ClipTextLayout.Transformers, layout);
        // Row 1 is the empty prompt: start, end, then 75 pads (README: A1111 SD1 id_pad = id_end).
        Assert.All(ids.AsSpan(77 + 2, 75).ToArray(), id => Assert.Equal(layout.PadTokenId, id));
        Assert.Equal(0, ClipTextLayout.OpenClip.PadTokenId);
    }

    [Theory]
    [InlineData(1, 12, 0)]
    [InlineData(2, 12, 1)]
    [InlineData(12, 12, 11)]
    [InlineData(2, 2, 1)]
    public void Sd1_clip_skip_n_is_state_n_minus_1(int clipSkip, int layers, int expected) =>
        Assert.Equal(expected, ClipTextLayout.Transformers.ClipSkipStateIndex(clipSkip, layers));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Sd2_always_takes_the_penultimate_layer(int clipSkip) =>
        Assert.Equal(1, ClipTextLayout.OpenClip.ClipSkipStateIndex(clipSkip, 23));

    [Theory]
    [InlineData(0, 12)]
    [InlineData(13, 12)]
    [InlineData(3, 2)]
    public void Clip_skip_outside_the_layers_is_refused(int clipSkip, int layers) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipTextLayout.Transformers.ClipSkipStateIndex(clipSkip, layers));
}

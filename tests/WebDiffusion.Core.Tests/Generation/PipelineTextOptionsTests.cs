using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

/// <summary>The text side of real pipeline runs on the tiny model: negative prompt, text options, hires timeline.</summary>
public class PipelineTextOptionsTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GenerationRequest Small = new()
    {
        Prompt = "a red house on a hill",
        NegativePrompt = "blurry",
        Width = 64,
        Height = 64,
        Steps = 6,
        Seed = 77,
        SamplerName = "Euler",
    };

    private async Task<GeneratedImage> RunAsync(GenerationRequest request, ConditioningOptions? text = null)
    {
        var observer = new RecordingObserver();
        var context = fixture.Context(TinyModelVariant.Fp32);
        await new StableDiffusionPipeline(context with { TextOptions = text ?? new ConditioningOptions() }).RunAsync(request, observer, null, default);
        return Assert.Single(observer.Images);
    }

    [Fact]
    public async Task A_negative_prompt_with_and_and_a_trailing_weight_is_plain_text()
    {
        var literal = await RunAsync(Small with { NegativePrompt = "cat AND dog :0.5" });
        var withoutWeight = await RunAsync(Small with { NegativePrompt = "cat AND dog" });

        Assert.Equal("cat AND dog :0.5", InfotextParser.Parse(literal.Infotext).NegativePrompt);
        Assert.False(literal.Image.Pixels.AsSpan().SequenceEqual(withoutWeight.Image.Pixels), "':0.5' is part of the negative's text, so it changes the image");
    }

    [Fact]
    public async Task Emphasis_option_changes_the_image_and_is_written_only_when_not_original_and_brackets_are_used()
    {
        var weighted = Small with { Prompt = "a red (house:1.8) on a [hill]" };
        var original = await RunAsync(weighted);
        var noNorm = await RunAsync(weighted, new ConditioningOptions { Emphasis = EmphasisMode.NoNorm });
        var none = await RunAsync(weighted, new ConditioningOptions { Emphasis = EmphasisMode.None });
        var plainNoNorm = await RunAsync(Small, new ConditioningOptions { Emphasis = EmphasisMode.NoNorm });

        Assert.False(original.Image.Pixels.AsSpan().SequenceEqual(noNorm.Image.Pixels), "No norm skips the mean restore");
        Assert.Null(InfotextParser.Parse(original.Infotext)["Emphasis"]);
        Assert.Equal("No norm", InfotextParser.Parse(noNorm.Infotext)["Emphasis"]);
        Assert.Equal("None", InfotextParser.Parse(none.Infotext)["Emphasis"]);
        Assert.Null(InfotextParser.Parse(plainNoNorm.Infotext)["Emphasis"]); // A1111 writes Emphasis only when a prompt has ( or [
    }

    [Fact]
    public async Task Comma_backtrack_option_reaches_the_chunker()
    {
        // 70 words, a comma, then 10 more: backtrack 20 moves the last words to chunk 2; backtrack 0 splits at 75.
        var prompt = string.Join(' ', Enumerable.Repeat("house", 70)) + ", " + string.Join(' ', Enumerable.Repeat("tree", 10));
        var backtrack = await RunAsync(Small with { Prompt = prompt });
        var none = await RunAsync(Small with { Prompt = prompt }, new ConditioningOptions { CommaPaddingBacktrack = 0 });

        Assert.False(backtrack.Image.Pixels.AsSpan().SequenceEqual(none.Image.Pixels), "different chunking gives a different image");
    }

    [Fact]
    public async Task Hires_pass_uses_the_hires_timeline()
    {
        var hires = Small with { EnableHr = true, HrScale = 1.5, HrSecondPassSteps = 3, HrDenoisingStrength = 0.6 };

        // [cat:dog:1.0] switches at the start of the hires pass (fraction 1.0 = its step 0): the hires pass sees "a dog".
        var edited = await RunAsync(hires with { HrPrompt = "a [cat:dog:1.0]" });
        var dog = await RunAsync(hires with { HrPrompt = "a dog" });
        var cat = await RunAsync(hires with { HrPrompt = "a cat" });

        ImageAssert.Identical(dog.Image, edited.Image);
        Assert.False(cat.Image.Pixels.AsSpan().SequenceEqual(edited.Image.Pixels), "without the hires timeline 1.0 means the end of the pass: 'a cat'");
    }
}

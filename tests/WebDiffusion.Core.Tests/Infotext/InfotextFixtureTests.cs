using WebDiffusion.Core.Infotext;
using WebDiffusion.Core.Infotext.Metadata;

namespace WebDiffusion.Core.Tests.Infotext;

public class InfotextFixtureTests
{
    private static ImageMetadata Read(string name) => ImageMetadataReader.Read(File.ReadAllBytes(SharedTestData.File("png", name)));

    [Theory]
    [InlineData("sd-webui.png", MetadataTool.Automatic1111, "3782896554", "DPM++ 2M", "7", "20")]
    [InlineData("sd-webui.jpg", MetadataTool.Automatic1111, "3623174757", "DPM++ 2M", "5.5", "20")]
    [InlineData("sd-webui.webp", MetadataTool.Automatic1111, "1028435836", "DPM++ 2M", "5.5", "20")]
    [InlineData("forge.png", MetadataTool.Forge, "747066619", "Euler", "5", "25")]
    [InlineData("forge-classic.png", MetadataTool.Forge, "1239240392", "DPM++ 2M", "6", "20")]
    [InlineData("sd-next.png", MetadataTool.SdNext, "2427651458", "DDIM", "6", "20")]
    public void Sd_webui_family_fixtures_parse_to_their_parameters(string file, MetadataTool tool, string seed, string sampler, string cfg, string steps)
    {
        var metadata = Read(file);
        Assert.Equal(tool, metadata.Tool);
        var parsed = InfotextParser.Parse(metadata.Parameters!);
        Assert.StartsWith("general, masterpiece, best quality, amazing quality,", parsed.Prompt, StringComparison.Ordinal);
        Assert.Contains("hatsune miku", parsed.Prompt, StringComparison.Ordinal);
        Assert.Contains("テスト", parsed.Prompt, StringComparison.Ordinal);
        Assert.StartsWith("bad quality, worst quality, worst detail, sketch, censor,", parsed.NegativePrompt, StringComparison.Ordinal);
        Assert.Equal(seed, parsed["Seed"]);
        Assert.Equal(sampler, parsed["Sampler"]);
        Assert.Equal(cfg, parsed["CFG scale"]);
        Assert.Equal(steps, parsed["Steps"]);
        Assert.Equal("1024", parsed["Size-1"]);
        Assert.Equal("1024", parsed["Size-2"]);
        Assert.Equal("45a21ea00a", parsed["Model hash"]);
        Assert.Equal("waiIllustriousSDXL_v160", parsed["Model"]);
    }

    [Theory]
    [InlineData("sd-webui.jpg")]
    [InlineData("sd-webui.webp")]
    public void Exif_user_comment_is_the_whole_utf16_text_and_nothing_after_it(string file)
    {
        var text = Read(file).Parameters!;
        Assert.EndsWith("Model: waiIllustriousSDXL_v160, Version: v1.10.1", text, StringComparison.Ordinal);
        Assert.Contains("hatsune miku, テスト\n\nNegative prompt: ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("parsers__AUTOMATIC1111__automatic1111_cropped.png")]
    [InlineData("parsers__AUTOMATIC1111__automatic1111_cropped.jpg")]
    [InlineData("bad_images__text_after_idat.png")]
    public void Duck_fixtures_parse(string file)
    {
        var metadata = Read(file);
        var parsed = InfotextParser.Parse(metadata.Parameters!);
        Assert.Equal("photo of a duck", parsed.Prompt);
        Assert.Equal("monochrome", parsed.NegativePrompt);
        Assert.Equal("15", parsed["Steps"]);
        Assert.Equal("UniPC", parsed["Sampler"]);
        Assert.Equal("5", parsed["CFG scale"]);
        Assert.Equal("235284042", parsed["Seed"]);
        Assert.Equal("512", parsed["Size-1"]);
        Assert.Equal("400", parsed["Size-2"]);
        Assert.Equal("c0d1994c73", parsed["Model hash"]);
        Assert.Equal("realistic_realisticVisionV20_v20", parsed["Model"]);
    }

    [Fact]
    public void Text_after_idat_keeps_other_chunks_as_items()
    {
        var metadata = Read("bad_images__text_after_idat.png");
        Assert.Equal(["date:create", "date:modify", "date:timestamp", "filename:d", "filename:e", "filename:f"], metadata.Items.Select(kv => kv.Key));
    }

    [Theory]
    [InlineData("parsers__ComfyUI__img2img_cropped.png", MetadataTool.ComfyUI, "{")]
    [InlineData("parsers__ComfyUI__unclip_2pass_cropped.png", MetadataTool.ComfyUI, "{")]
    [InlineData("parsers__InvokeAI__invokeai_imeta1.png", MetadataTool.InvokeAI, "{")]
    [InlineData("parsers__InvokeAI__invokeai_sdmeta1.png", MetadataTool.InvokeAI, "{")]
    [InlineData("parsers__InvokeAI__invokeai_dream1.png", MetadataTool.InvokeAI, "\"professional full body photo")]
    [InlineData("parsers__Fooocus__fooocus1_cropped.png", MetadataTool.Fooocus, "{\"adm_guidance\"")]
    public void Other_tools_are_named_and_their_raw_metadata_returned(string file, MetadataTool tool, string rawStart)
    {
        var metadata = Read(file);
        Assert.Equal(tool, metadata.Tool);
        Assert.Null(metadata.Parameters);
        Assert.StartsWith(rawStart, metadata.ToolMetadata, StringComparison.Ordinal);
    }

    [Fact]
    public void NovelAi_is_converted_as_A1111_does()
    {
        var metadata = Read("parsers__NovelAI__novelai1_cropped.png");
        Assert.Equal(MetadataTool.NovelAI, metadata.Tool);
        var parsed = InfotextParser.Parse(metadata.Parameters!);
        Assert.Equal("masterpiece, best quality,  cat, space, icon", parsed.Prompt);
        Assert.StartsWith("lowres, bad anatomy", parsed.NegativePrompt, StringComparison.Ordinal);
        Assert.Equal("50", parsed["Steps"]);
        Assert.Equal("Euler a", parsed["Sampler"]);
        Assert.Equal("10.0", parsed["CFG scale"]);
        Assert.Equal("2253955223", parsed["Seed"]);
        Assert.Equal("2", parsed["Clip skip"]);
        Assert.Equal("31337", parsed["ENSD"]);
    }

    [Fact]
    public void Defaults_are_added_like_A1111()
    {
        var parsed = InfotextParser.Parse("a (cat)\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x768");
        var dict = InfotextDefaults.ToA1111Dictionary(parsed);
        Assert.Equal("Prompt", dict[0].Key);
        Assert.Equal("Negative prompt", dict[1].Key);
        var map = dict.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("1", map["Clip skip"]);
        Assert.Equal(0, map["Hires resize-1"]);
        Assert.Equal(32, map["Masked area padding"]);
        Assert.Equal("Automatic", map["Schedule type"]);
        Assert.Equal("Original", map["Emphasis"]);
        Assert.Equal(false, map["Refiner switch by sampling steps"]);
        Assert.Equal("512", map["Size-1"]);
        Assert.False(map.ContainsKey("Cache FP16 weight for LoRA"));
    }
}

using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Tests.Text;

public class PromptSyntaxTests
{
    [Fact]
    public void And_splits_with_weights()
    {
        var parts = CompositePromptSplitter.Split("cat AND dog :0.5");
        Assert.Equal([new SubPrompt("cat", 1.0), new SubPrompt(" dog", 0.5)], parts);
        Assert.Equal([new SubPrompt("a cat", 1.2)], CompositePromptSplitter.Split("a cat: 1.2  "));
        Assert.Equal([new SubPrompt("ANDROID BAND", 1.0)], CompositePromptSplitter.Split("ANDROID BAND"));
        Assert.Equal([new SubPrompt("a", 1.0), new SubPrompt(" b", -.5), new SubPrompt(" c", 3.0)], CompositePromptSplitter.Split("a AND b:-.5 AND c :3."));
        Assert.Equal([new SubPrompt("time 10:30pm", 1.0)], CompositePromptSplitter.Split("time 10:30pm"));
    }

    [Fact]
    public void Extra_network_tags_are_extracted_and_removed()
    {
        var (text, tags) = ExtraNetworkParser.Extract("a cat <lora:catStyle:0.8>, <lyco:x:te=0.5:unet=1.5> <hypernet:h:1> <nope> end");
        Assert.Equal("a cat ,   <nope> end", text);
        Assert.Equal(3, tags.Count);
        Assert.Equal("lora", tags[0].Kind);
        Assert.Equal("catStyle", tags[0].Name);
        Assert.Equal(0.8, tags[0].GetNumber("te", 1, 1.0));
        Assert.Equal(0.8, tags[0].GetNumber("unet", 2, tags[0].GetNumber("te", 1, 1.0)));
        Assert.Equal("lyco", tags[1].Kind);
        Assert.Equal(["x"], tags[1].Positional);
        Assert.Equal("0.5", tags[1].Named["te"]);
        Assert.Equal(1.5, tags[1].GetNumber("unet", 2, 1.0));
        Assert.True(tags[2].IsKnownKind);
        Assert.Equal(1.0, tags[2].GetNumber("x", 1, 1.0) * 1.0);
        Assert.Throws<FormatException>(() => new ExtraNetworkTag("lora", ["a", "big"]).GetNumber("te", 1, 1));
    }

    [Fact]
    public void Parsed_prompt_removes_networks_before_and_split()
    {
        var parsed = ParsedPrompt.Parse("<lora:a:1>cat AND dog");
        Assert.Equal("cat AND dog", parsed.Text);
        Assert.Single(parsed.ExtraNetworks);
        Assert.Equal(2, parsed.SubPrompts.Count);
    }

    [Fact]
    public void Unclosed_tags_in_long_input_complete()
    {
        var hostile = string.Concat(Enumerable.Repeat("<a:", 40_000));
        var (text, tags) = ExtraNetworkParser.Extract(hostile);
        Assert.Empty(tags);
        Assert.Equal(hostile, text);
        var spaces = "x" + new string(' ', 100_000) + ": 1";
        Assert.Equal(new SubPrompt("x", 1.0), CompositePromptSplitter.Split(spaces).Single());
    }
}

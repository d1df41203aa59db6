using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.Tests.Hosting;

public class CommandLineTests
{
    [Fact]
    public void A1111_flags_map_to_settings()
    {
        var cl = CommandLine.Parse(["--port", "7861", "--listen", "--api-auth=u:p", "--models-dir", "/m", "--data-dir", "/d"]);
        Assert.Equal("7861", cl.Settings["WebDiffusion:Port"]);
        Assert.Equal("true", cl.Settings["WebDiffusion:Listen"]);
        Assert.Equal("u:p", cl.Settings["WebDiffusion:ApiAuth"]);
        Assert.Equal("/m", cl.Settings["WebDiffusion:ModelsDir"]);
        Assert.Equal("/d", cl.Settings["WebDiffusion:DataDir"]);
        Assert.Empty(cl.Verb);
        Assert.False(cl.ShowHelp);
    }

    [Fact]
    public void Words_after_the_verb_belong_to_the_verb()
    {
        var cl = CommandLine.Parse(["--port", "1", "models", "demo", "tiny", "--fp16"]);
        Assert.Equal(["models", "demo", "tiny", "--fp16"], cl.Verb);
    }

    [Fact]
    public void Server_flags_after_the_verb_still_configure_the_server()
    {
        var cl = CommandLine.Parse(["models", "pull", "org/repo", "--models-dir", "/m", "--name", "x", "--data-dir=/d", "--listen"]);
        Assert.Equal(["models", "pull", "org/repo", "--name", "x"], cl.Verb);
        Assert.Equal("/m", cl.Settings["WebDiffusion:ModelsDir"]);
        Assert.Equal("/d", cl.Settings["WebDiffusion:DataDir"]);
        Assert.Equal("true", cl.Settings["WebDiffusion:Listen"]);
    }

    [Fact]
    public void A_server_flag_after_the_verb_without_its_value_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => CommandLine.Parse(["models", "list", "--models-dir"]));
        Assert.Contains("--models-dir needs a value", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port")]
    [InlineData("--port=abc")]
    public void Bad_flags_are_refused_with_a_message(string arg)
    {
        var ex = Assert.Throws<ArgumentException>(() => CommandLine.Parse([arg]));
        Assert.Contains("--", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_flags_and_verbs()
    {
        Assert.True(CommandLine.Parse(["--help"]).ShowHelp);
        foreach (var word in new[] { "--port", "--listen", "--api-auth", "--models-dir", "--data-dir", "doctor", "models demo" })
        {
            Assert.Contains(word, CommandLine.HelpText, StringComparison.Ordinal);
        }
    }
}

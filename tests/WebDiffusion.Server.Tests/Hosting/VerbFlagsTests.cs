using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Hosting;

/// <summary>
/// Verbs take the server's flags after the verb too: <c>./webui.sh models demo tiny --models-dir DIR</c> writes into DIR and
/// <c>models list --models-dir DIR</c> lists DIR (the flag used to be refused, or silently ignored).
/// </summary>
public sealed class VerbFlagsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wd-verbflags-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var commandLine = CommandLine.Parse([.. args, "--content-root", RepositoryRoot.Path]);
        await using var app = WebDiffusionApp.Build(commandLine);
        var output = new StringWriter();
        var code = await app.Services.GetRequiredService<VerbDispatcher>().RunAsync(commandLine.Verb, output, CancellationToken.None);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Models_demo_and_list_use_the_models_dir_given_after_the_verb()
    {
        var models = Path.Combine(_root, "my-models");
        var data = Path.Combine(_root, "data");

        var (demo, demoOutput) = await RunAsync("models", "demo", "tiny", "--models-dir", models, "--data-dir", data);
        Assert.True(demo == 0, demoOutput);
        Assert.True(Directory.Exists(Path.Combine(models, "Stable-diffusion", "tiny", "unet")), demoOutput);

        var (list, listOutput) = await RunAsync("models", "list", "--models-dir", models, "--data-dir", data);
        Assert.True(list == 0, listOutput);
        Assert.Contains("tiny [", listOutput, StringComparison.Ordinal);

        var (empty, emptyOutput) = await RunAsync("models", "list", "--models-dir", Path.Combine(_root, "other"), "--data-dir", data);
        Assert.Equal(0, empty);
        Assert.DoesNotContain("tiny [", emptyOutput, StringComparison.Ordinal);
    }
}

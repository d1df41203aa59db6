using WebDiffusion.Server.ModelDownload;

namespace WebDiffusion.Server.Cli;

/// <summary>
/// <c>./webui.sh models pull &lt;owner/repo&gt; [--revision R] [--name N]</c>: downloads a diffusers ONNX model from a
/// Hugging Face hub (<c>WebDiffusion:HubBaseUrl</c>, token in <c>HF_TOKEN</c>) into models/Stable-diffusion/&lt;name&gt;.
/// </summary>
public sealed class ModelsPullVerb(ModelPuller puller, TimeProvider time) : ICliVerb
{
    private const string Usage = "Usage: models pull <owner/repo> [--revision R] [--name N]";

    /// <inheritdoc />
    public string Name => "models pull";

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? repo = null;
        string? revision = null;
        string? name = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--revision" when i + 1 < args.Count:
                    revision = args[++i];
                    break;
                case "--name" when i + 1 < args.Count:
                    name = args[++i];
                    break;
                default:
                    if (repo is not null || args[i].StartsWith('-'))
                    {
                        await output.WriteLineAsync($"Unexpected argument '{args[i]}'. {Usage}").ConfigureAwait(false);
                        return 2;
                    }

                    repo = args[i];
                    break;
            }
        }

        if (repo is null)
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            var request = ModelPullRequest.Create(repo, revision, name);
            await output.WriteLineAsync($"Pulling {request.Repo} ({request.Revision}) into models/Stable-diffusion/{request.Name} …").ConfigureAwait(false);
            var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            var result = await puller.PullAsync(request, new ConsolePullProgress(output, interactive, time), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(
                $"Pulled {request.Repo} at {result.CommitId[..Math.Min(12, result.CommitId.Length)]}: {result.FileCount} files, {ByteFormat.Size(result.Bytes)}, verified, in {result.Folder}").ConfigureAwait(false);
            if (result.ModelError is not null)
            {
                await output.WriteLineAsync("The files are complete but WebDiffusion cannot load this model: " + result.ModelError).ConfigureAwait(false);
                return 1;
            }

            return 0;
        }
        catch (ModelPullException ex)
        {
            await output.WriteLineAsync("Pull failed: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }
}

using WebDiffusion.Core.Models;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Server.Cli;

/// <summary>
/// <c>./webui.sh models demo &lt;name&gt; [--variant fp32|fp16|int64-timestep|latent-parameters|inpainting|v-prediction|analytic] [--force]</c>:
/// writes a tiny demo model into models/Stable-diffusion/&lt;name&gt;.
/// </summary>
public sealed class ModelsDemoVerb(ModelRegistry registry, ITokenizerFilesSource tokenizer) : ICliVerb
{
    /// <inheritdoc />
    public string Name => "models demo";

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? name = null;
        var variant = TinyModelVariant.Fp32;
        var force = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--force":
                    force = true;
                    break;
                case "--variant" when i + 1 < args.Count && TinyModelWriter.TryParseVariant(args[i + 1], out var parsed):
                    variant = parsed;
                    i++;
                    break;
                case "--variant":
                    return await Fail(output, $"--variant needs one of: {string.Join(", ", Enum.GetValues<TinyModelVariant>().Select(TinyModelWriter.VariantName))}.").ConfigureAwait(false);
                default:
                    if (name is not null || args[i].StartsWith('-'))
                    {
                        return await Fail(output, $"Unexpected argument '{args[i]}'. Usage: models demo <name> [--variant v] [--force]").ConfigureAwait(false);
                    }

                    name = args[i];
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return await Fail(output, "Usage: models demo <name> [--variant v] [--force]").ConfigureAwait(false);
        }

        if (name is "." or ".." || name.Contains("..", StringComparison.Ordinal) || name.IndexOfAny(['/', '\\', Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) >= 0
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return await Fail(output, $"'{name}' is not a plain folder name (no path separators or '..').").ConfigureAwait(false);
        }

        var folder = Path.Combine(registry.CheckpointsDir, name);
        if (Directory.Exists(folder) && !force)
        {
            return await Fail(output, $"{folder} already exists; pass --force to overwrite it.").ConfigureAwait(false);
        }

        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            TinyModelWriter.WriteModel(folder, variant, tokenizer.WriteTo);
        }
        catch (InvalidOperationException ex)
        {
            TryDelete(folder);
            return await Fail(output, ex.Message).ConfigureAwait(false);
        }

        var description = registry.Refresh(cancellationToken).Find(name);
        await output.WriteLineAsync($"Wrote the {TinyModelWriter.VariantName(variant)} demo model to {folder} [{description?.Hash}]").ConfigureAwait(false);
        return description?.Error is null ? 0 : await Fail(output, description.Error).ConfigureAwait(false);
    }

    private static async Task<int> Fail(TextWriter output, string message)
    {
        await output.WriteLineAsync(message).ConfigureAwait(false);
        return 2;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Leave a partial folder; the registry reports it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}

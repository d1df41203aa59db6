using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.Cli;

/// <summary><c>./webui.sh models list</c>: the models found and their problems.</summary>
public sealed class ModelsListVerb(ModelRegistry registry) : ICliVerb
{
    /// <inheritdoc />
    public string Name => "models list";

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var snapshot = await Task.Run(() => registry.Refresh(cancellationToken), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Models in {registry.CheckpointsDir}:").ConfigureAwait(false);
        if (snapshot.Models.Count == 0)
        {
            await output.WriteLineAsync("  (none; try ./webui.sh models demo tiny)").ConfigureAwait(false);
        }

        foreach (var model in snapshot.Models)
        {
            var line = model.Error is null
                ? $"  {model.Name} [{model.Hash ?? "no hash"}] {model.Precision.ToWireName()} SD {model.SdVersion.ToWireName()} {model.PredictionType.ToWireName()}{(model.IsInpainting ? " inpainting" : string.Empty)}"
                : $"  {model.Name}: ERROR {model.Error}";
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        foreach (var (title, files) in new[] { ("VAE", snapshot.Vae), ("LoRA", snapshot.Loras), ("Embeddings", snapshot.Embeddings) })
        {
            if (files.Count > 0)
            {
                await output.WriteLineAsync($"{title}: " + string.Join(", ", files.Select(f => f.Error is null ? f.Name : f.Name + " (refused: pickle)"))).ConfigureAwait(false);
            }
        }

        return snapshot.Models.Any(m => m.Error is not null) ? 1 : 0;
    }
}

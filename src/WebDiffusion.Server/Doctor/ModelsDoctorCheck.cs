using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.Doctor;

/// <summary>The models found under models/Stable-diffusion and their problems, and interrupted pulls.</summary>
public sealed class ModelsDoctorCheck(ModelRegistry registry) : IDoctorCheck
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var snapshot = await Task.Run(() => registry.Refresh(cancellationToken), cancellationToken).ConfigureAwait(false);
        var results = new List<DoctorCheckResult>();
        if (snapshot.Models.Count == 0)
        {
            results.Add(DoctorCheckResult.Warn("Models", $"no models in {registry.CheckpointsDir}.",
                "Download one with ./webui.sh models pull <owner/repo> (README: Getting a model), or write a tiny demo with ./webui.sh models demo tiny."));
        }

        foreach (var model in snapshot.Models)
        {
            results.Add(model.Error is null
                ? DoctorCheckResult.Ok("Model", $"{model.Name} [{model.Hash ?? "no hash"}] {model.Precision.ToWireName()} SD {model.SdVersion.ToWireName()}")
                : DoctorCheckResult.Fail("Model", $"{model.Name}: {model.Error}", $"Fix or remove {model.Folder} (./webui.sh models list shows the same)."));
        }

        if (Directory.Exists(registry.ModelsDir))
        {
            foreach (var partial in Directory.EnumerateDirectories(registry.ModelsDir, ".pull-*.partial").Order(StringComparer.Ordinal))
            {
                results.Add(DoctorCheckResult.Warn("Model", $"an interrupted pull: {partial}",
                    "Run the same ./webui.sh models pull again to resume it, or delete the folder."));
            }
        }

        return results;
    }
}

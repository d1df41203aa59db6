using System.Text.Json;
using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Pulls a diffusers ONNX model from a Hugging Face hub into <c>models/Stable-diffusion/&lt;name&gt;</c>. Files are
/// downloaded into <c>models/.pull-&lt;name&gt;.partial/</c> and verified (size and SHA-256 / git blob id); only when
/// every file is verified is the folder moved into place, so Stable-diffusion/ never holds a half model. On failure
/// the partial folder stays (verified files and the resumable <c>.partial</c> file) and the same command resumes; a
/// file that fails its checksum is deleted. A partial folder of another repo or commit is discarded.
/// </summary>
public sealed class ModelPuller(HubClient hub, ModelRegistry registry, TimeProvider time, ILogger<ModelPuller> logger)
{
    private const string SourceMarker = ".pull-source.json";

    /// <summary>The partial folder of a pull named <paramref name="name"/>.</summary>
    public string PartialFolder(string name) => Path.Combine(registry.ModelsDir, $".pull-{name}.partial");

    /// <summary>Pulls <paramref name="request"/>; throws <see cref="ModelPullException"/> with a message for the user.</summary>
    public async Task<ModelPullResult> PullAsync(ModelPullRequest request, IPullProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        var target = Path.Combine(registry.CheckpointsDir, request.Name);
        if (Directory.Exists(target) || File.Exists(target))
        {
            throw new ModelPullException($"{target} already exists: remove it first, or pass --name to pull under another name.");
        }

        logger.LogInformation("Pulling {Repo} at {Revision} from {Hub} into {Name}", request.Repo, request.Revision, hub.BaseUri, request.Name);
        var listing = await hub.ListAsync(request, cancellationToken).ConfigureAwait(false);
        var files = OnnxLayoutSelection.Select(listing);
        var unverifiable = files.FirstOrDefault(f => f.Size < 0 || FileChecksum.Expected(f) is null);
        if (unverifiable is not null)
        {
            throw new ModelPullException($"{unverifiable.Path}: the hub listed no size and checksum for it, so it cannot be verified; refusing to download.");
        }

        var partial = PartialFolder(request.Name);
        PreparePartialFolder(partial, listing);
        var total = files.Sum(f => f.Size);
        var tracker = new PullProgressTracker(progress, time, files.Count, total);
        var downloader = new HubFileDownloader(hub);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            tracker.StartFile(i + 1, file.Path);
            var destination = Path.Combine(partial, file.Path.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                await downloader.DownloadAsync(listing, file, destination, tracker, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelPullException ex)
            {
                logger.LogWarning("Pull of {Repo} into {Name} stopped: {Reason}", request.Repo, request.Name, ex.Message);
                throw;
            }
        }

        File.Delete(Path.Combine(partial, SourceMarker));
        Directory.CreateDirectory(registry.CheckpointsDir);
        Directory.Move(partial, target);
        var description = registry.Refresh(cancellationToken).Find(request.Name);
        logger.LogInformation("Pulled {Repo} at {Commit} into {Folder}: {Files} files, {Bytes} bytes", request.Repo, listing.CommitId, target, files.Count, total);
        return new ModelPullResult(request.Name, target, listing.CommitId, files.Count, total, description?.Error);
    }

    /// <summary>Keeps a partial folder of the same repo and commit (to resume); anything else there is discarded.</summary>
    private static void PreparePartialFolder(string partial, HubRepoListing listing)
    {
        var marker = Path.Combine(partial, SourceMarker);
        var source = JsonSerializer.Serialize(new { repo = listing.Repo, commit = listing.CommitId });
        if (Directory.Exists(partial) && (!File.Exists(marker) || File.ReadAllText(marker) != source))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        File.WriteAllText(marker, source);
    }
}

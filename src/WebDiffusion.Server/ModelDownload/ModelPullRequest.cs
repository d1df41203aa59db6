using System.Text.RegularExpressions;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>What to pull: a hub repo id (<c>owner/name</c>), a revision (branch, tag or commit) and the local folder name.</summary>
public sealed partial record ModelPullRequest(string Repo, string Revision, string Name)
{
    /// <summary>The revision used when none is given.</summary>
    public const string DefaultRevision = "main";

    /// <summary>
    /// Checks and completes a request: the name defaults to the repo's name part, the revision to <c>main</c>.
    /// Throws <see cref="ModelPullException"/> saying what is wrong.
    /// </summary>
    public static ModelPullRequest Create(string? repo, string? revision, string? name)
    {
        repo = repo?.Trim();
        if (string.IsNullOrEmpty(repo) || !RepoPattern().IsMatch(repo) || repo.Contains("..", StringComparison.Ordinal))
        {
            throw new ModelPullException($"'{repo}' is not a hub repo id; expected owner/name, e.g. onnx-community/stable-diffusion-v1-5-ONNX.");
        }

        revision = string.IsNullOrWhiteSpace(revision) ? DefaultRevision : revision.Trim();
        if (!RevisionPattern().IsMatch(revision) || revision.Contains("..", StringComparison.Ordinal))
        {
            throw new ModelPullException($"'{revision}' is not a revision (a branch, tag or commit id).");
        }

        name = string.IsNullOrWhiteSpace(name) ? repo[(repo.IndexOf('/', StringComparison.Ordinal) + 1)..] : name.Trim();
        if (!IsPlainFolderName(name))
        {
            throw new ModelPullException($"'{name}' is not a plain folder name (no path separators, no '..', not starting with '.').");
        }

        return new ModelPullRequest(repo, revision, name);
    }

    /// <summary>True for a name that stays one folder below models/Stable-diffusion.</summary>
    public static bool IsPlainFolderName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && name.Length <= 128
        && !name.StartsWith('.')
        && !name.Contains("..", StringComparison.Ordinal)
        && name.IndexOfAny(['/', '\\', Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) < 0
        && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
        && !name.Any(char.IsControl);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$", RegexOptions.CultureInvariant)]
    private static partial Regex RevisionPattern();
}

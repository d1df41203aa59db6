namespace WebDiffusion.Server.ModelDownload;

/// <summary>A repo at one commit: the commit id the revision resolved to and every file with its size and checksum.</summary>
public sealed record HubRepoListing(string Repo, string Revision, string CommitId, IReadOnlyList<HubFile> Files);

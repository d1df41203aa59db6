namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// One file of a hub repo as the tree listing describes it: its path, size and checksum — the SHA-256 of an LFS file
/// (<c>lfs.oid</c>) or the git blob id (SHA-1 of <c>"blob {size}\0" + content</c>) of a small file stored in git.
/// </summary>
public sealed record HubFile(string Path, long Size, string? Sha256, string? GitBlobId)
{
    /// <summary>The expected checksum as text, for messages.</summary>
    public string ChecksumText => Sha256 is not null ? "SHA-256 " + Sha256 : "git blob " + GitBlobId;
}

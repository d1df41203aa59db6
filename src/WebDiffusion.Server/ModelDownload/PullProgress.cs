namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Where a pull stands: the file being fetched (1-based index of <see cref="FileCount"/>), bytes on disk of all
/// selected files against their total, the transfer speed of this run and the time left at that speed.
/// </summary>
public sealed record PullProgress(
    string File,
    int FileIndex,
    int FileCount,
    long BytesDone,
    long BytesTotal,
    double BytesPerSecond,
    TimeSpan? Eta,
    bool FileCompleted);

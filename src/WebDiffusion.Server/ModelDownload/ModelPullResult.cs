namespace WebDiffusion.Server.ModelDownload;

/// <summary>A finished pull: where the model landed, the commit it came from, what was fetched and what the registry says of it.</summary>
public sealed record ModelPullResult(string Name, string Folder, string CommitId, int FileCount, long Bytes, string? ModelError);

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// A saved output image. <see cref="RelativePath"/> is relative to the outputs folder and never leaves the server.
/// <see cref="JobId"/> is null for images no job made (Extras, or files found on disk that no job can claim).
/// </summary>
public sealed record ImageRecord(
    string Id,
    string? JobId,
    string Owner,
    string RelativePath,
    long Seed,
    int Width,
    int Height,
    string Prompt,
    string Infotext,
    DateTimeOffset CreatedAt,
    string Kind = ImageKind.Generated);

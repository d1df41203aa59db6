namespace WebDiffusion.Server.ModelDownload;

/// <summary>A snapshot of one background pull, as <c>GET /api/models/pulls</c> returns it.</summary>
public sealed record ModelPullStatus(
    string Id,
    string Repo,
    string Revision,
    string Name,
    ModelPullState State,
    PullProgress? Progress,
    string? Error,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt);

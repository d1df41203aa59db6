namespace WebDiffusion.Server.Jobs;

/// <summary>What <see cref="OutputReconciler.ReconcileAsync"/> did.</summary>
/// <param name="Added">PNGs on disk the index did not know, now indexed.</param>
/// <param name="Removed">Index rows whose file was gone, now removed.</param>
/// <param name="Unreadable">PNGs on disk that could not be read (corrupt or truncated) and stay unindexed.</param>
public sealed record OutputReconciliation(int Added, int Removed, int Unreadable);

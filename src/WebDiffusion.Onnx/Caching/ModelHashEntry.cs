namespace WebDiffusion.Onnx.Caching;

/// <summary>A model's content hash and the files it covers (the model first, then its external-data files).</summary>
internal sealed record ModelHashEntry(IReadOnlyList<HashedFile> Files, string Sha256)
{
    /// <summary>True when every covered file still has the length and last-write time it had when hashed.</summary>
    public bool IsCurrent() => Files.Count > 0 && Files.All(f => f.IsUnchanged());
}

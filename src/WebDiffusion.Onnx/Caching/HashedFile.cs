namespace WebDiffusion.Onnx.Caching;

/// <summary>One file a model hash covers, as it was when hashed: its full path, length and last-write time (-1 and 0 when missing).</summary>
internal sealed record HashedFile(string Path, long Length, long WrittenTicks)
{
    /// <summary>The file as it is now.</summary>
    public static HashedFile Stat(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new HashedFile(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks) : new HashedFile(info.FullName, -1, 0);
    }

    /// <summary>True when the file still has the length and last-write time it had when hashed.</summary>
    public bool IsUnchanged() => Stat(Path) == this;
}

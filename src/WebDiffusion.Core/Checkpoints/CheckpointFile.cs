using WebDiffusion.Core.Checkpoints.Pickle;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Checkpoints;

/// <summary>
/// Opens a weights file by its format: <c>.safetensors</c> through <see cref="SafetensorsFile"/>, PyTorch files
/// (<c>.ckpt</c>, <c>.pt</c>, <c>.pth</c>) through <see cref="TorchCheckpointFile"/>, whose pickle machine never runs code.
/// Both serve tensors as views of the mapped file, so the compiled graphs read their weights in place either way.
/// </summary>
public static class CheckpointFile
{
    /// <summary>Extensions read as PyTorch files.</summary>
    public static IReadOnlyList<string> TorchExtensions { get; } = [".ckpt", ".pt", ".pth"];

    /// <summary>Whether <paramref name="path"/> has an extension this class opens.</summary>
    public static bool IsSupported(string path) =>
        Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase)
        || TorchExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is malformed, or a pickle asks for anything outside the allow-list (the message names it).</exception>
    /// <exception cref="TorchZipException">The PyTorch zip container is malformed.</exception>
    public static ICheckpointTensors Open(string path) =>
        Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafetensorsFile.Open(path)
            : TorchCheckpointFile.Open(path);
}

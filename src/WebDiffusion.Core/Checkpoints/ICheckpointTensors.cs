namespace WebDiffusion.Core.Checkpoints;

/// <summary>
/// Read-only access to the named tensors of one checkpoint file (safetensors, or another format that implements it).
/// Tensor bytes stay valid until the object is disposed.
/// </summary>
public interface ICheckpointTensors : IDisposable
{
    /// <summary>Absolute path of the file.</summary>
    string FilePath { get; }

    /// <summary>Every tensor, in the file's order.</summary>
    IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <summary>The file's string metadata (empty when it has none).</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>, or false.</summary>
    bool TryGet(string name, out CheckpointTensorInfo info);

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    CheckpointTensorInfo Get(string name);

    /// <summary>The raw little-endian bytes of a tensor (a view; no copy).</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    ReadOnlySpan<byte> GetBytes(string name);

    /// <summary>Address of a tensor's bytes, valid until dispose (for handing weights to native code without a copy).</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    nint GetPointer(string name);

    /// <summary>Byte offset of a tensor's data in <see cref="FilePath"/> (its bytes are stored there contiguously, uncompressed).</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    long GetFileOffset(string name);

    /// <summary>Converts a F32, F16 or BF16 tensor to float32 into <paramref name="destination"/> (exactly its element count).</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    /// <exception cref="CheckpointDTypeException">The tensor is not F32, F16 or BF16.</exception>
    void ReadFloat32(string name, Span<float> destination);

    /// <summary>Reads an I64 (or I32) tensor as int64 values.</summary>
    /// <exception cref="CheckpointDTypeException">The tensor is not an integer tensor of those types.</exception>
    long[] ReadInt64(string name);
}

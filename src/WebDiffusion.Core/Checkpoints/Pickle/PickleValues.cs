namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>An allow-listed global (<c>module.name</c>) as the safe machine holds it; never resolved to code.</summary>
/// <param name="Module">The module, e.g. <c>torch._utils</c>.</param>
/// <param name="Name">The name, e.g. <c>_rebuild_tensor_v2</c>.</param>
public sealed record PickleGlobal(string Module, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Module + "." + Name;
}

/// <summary>A pickled tuple.</summary>
/// <param name="Items">The items.</param>
public sealed record PickleTuple(IReadOnlyList<object?> Items);

/// <summary>A pickled dict or <c>collections.OrderedDict</c>, in insertion order, with the state a BUILD gave it.</summary>
public sealed class PickleDict
{
    /// <summary>The entries, in insertion order (keys are strings, integers, floats, booleans or tuples).</summary>
    public OrderedDictionary<object, object?> Items { get; } = [];

    /// <summary>Attributes set by BUILD (an OrderedDict's <c>_metadata</c>), or null.</summary>
    public PickleDict? Attributes { get; set; }
}

/// <summary>A torch storage named by a persistent id: its element type, zip entry key and element count.</summary>
/// <param name="DType">Element type (from the storage class, e.g. <c>torch.HalfStorage</c>).</param>
/// <param name="Key">The entry name under <c>data/</c>.</param>
/// <param name="ElementCount">Elements the storage holds.</param>
public sealed record TorchStorageRef(TensorDType DType, string Key, long ElementCount);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a view of a storage.</summary>
/// <param name="Storage">The storage.</param>
/// <param name="StorageOffset">Offset of the first element, in elements.</param>
/// <param name="Shape">The size.</param>
/// <param name="Stride">The strides, in elements.</param>
public sealed record TorchTensorRef(TorchStorageRef Storage, long StorageOffset, IReadOnlyList<long> Shape, IReadOnlyList<long> Stride);

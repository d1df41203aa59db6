namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>
/// The only globals a PyTorch pickle may name: <c>collections.OrderedDict</c>, the tensor and parameter rebuild functions
/// and the storage class of each dtype. Matching is exact on module and name; nothing is ever looked up or imported.
/// </summary>
public static class TorchPickleGlobals
{
    /// <summary><c>collections.OrderedDict</c>.</summary>
    public static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>.</summary>
    public static readonly PickleGlobal RebuildTensorV2 = new("torch._utils", "_rebuild_tensor_v2");

    /// <summary><c>torch._utils._rebuild_parameter</c>.</summary>
    public static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");

    private static readonly Dictionary<string, TensorDType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = TensorDType.F32,
        ["HalfStorage"] = TensorDType.F16,
        ["BFloat16Storage"] = TensorDType.BF16,
        ["DoubleStorage"] = TensorDType.F64,
        ["LongStorage"] = TensorDType.I64,
        ["IntStorage"] = TensorDType.I32,
        ["ShortStorage"] = TensorDType.I16,
        ["CharStorage"] = TensorDType.I8,
        ["ByteStorage"] = TensorDType.U8,
        ["BoolStorage"] = TensorDType.Bool,
    };

    /// <summary>Whether <paramref name="module"/>.<paramref name="name"/> is on the allow-list.</summary>
    public static bool IsAllowed(string module, string name) =>
        (module == OrderedDict.Module && name == OrderedDict.Name)
        || (module == RebuildTensorV2.Module && (name == RebuildTensorV2.Name || name == RebuildParameter.Name))
        || (module == "torch" && StorageTypes.ContainsKey(name));

    /// <summary>The element type of an allow-listed storage class, or false for any other global.</summary>
    public static bool TryGetStorageType(PickleGlobal global, out TensorDType dtype)
    {
        ArgumentNullException.ThrowIfNull(global);
        dtype = TensorDType.Unknown;
        return global.Module == "torch" && StorageTypes.TryGetValue(global.Name, out dtype);
    }
}

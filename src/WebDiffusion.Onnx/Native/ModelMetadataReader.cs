namespace WebDiffusion.Onnx.Native;

/// <summary>Reads a session's input and output names, element types and shapes.</summary>
internal static unsafe class ModelMetadataReader
{
    /// <summary>The inputs (<paramref name="inputs"/> true) or outputs of the session.</summary>
    public static OrtNodeInfo[] Read(nint session, bool inputs)
    {
        ref readonly var api = ref OrtNative.Api;
        nuint count;
        OrtStatus.ThrowIfFailed(inputs ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var nodes = new OrtNodeInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            nodes[(int)i] = ReadOne(session, i, inputs);
        }

        return nodes;
    }

    private static OrtNodeInfo ReadOne(nint session, nuint index, bool input)
    {
        ref readonly var api = ref OrtNative.Api;
        byte* rawName;
        OrtStatus.ThrowIfFailed(input
            ? api.SessionGetInputName(session, index, OrtNative.DefaultAllocator, &rawName)
            : api.SessionGetOutputName(session, index, OrtNative.DefaultAllocator, &rawName));
        string name;
        using (new OrtAllocatedMemoryHandle((nint)rawName))
        {
            name = Utf8.ToStringOrEmpty(rawName);
        }

        nint typeInfo;
        OrtStatus.ThrowIfFailed(input
            ? api.SessionGetInputTypeInfo(session, index, &typeInfo)
            : api.SessionGetOutputTypeInfo(session, index, &typeInfo));
        using var typeInfoHandle = new OrtTypeInfoHandle(typeInfo);
        int onnxType;
        OrtStatus.ThrowIfFailed(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != 1)
        {
            return new OrtNodeInfo(name, TensorElementType.Undefined, [], [], isTensor: false);
        }

        nint tensorInfo; // borrowed from typeInfo: not released
        OrtStatus.ThrowIfFailed(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        nuint rank;
        OrtStatus.ThrowIfFailed(api.GetTensorElementType(tensorInfo, &elementType));
        OrtStatus.ThrowIfFailed(api.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        var symbols = new string?[(int)rank];
        if (rank > 0)
        {
            var symbolPointers = new nint[(int)rank];
            fixed (long* dims = shape)
            fixed (nint* names = symbolPointers)
            {
                OrtStatus.ThrowIfFailed(api.GetDimensions(tensorInfo, dims, rank));
                OrtStatus.ThrowIfFailed(api.GetSymbolicDimensions(tensorInfo, (byte**)names, rank));
            }

            for (var d = 0; d < symbols.Length; d++)
            {
                var symbol = Utf8.ToStringOrEmpty((byte*)symbolPointers[d]);
                symbols[d] = symbol.Length == 0 ? null : symbol;
            }
        }

        return new OrtNodeInfo(name, (TensorElementType)elementType, shape, symbols);
    }
}

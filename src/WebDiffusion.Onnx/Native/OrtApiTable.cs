namespace WebDiffusion.Onnx.Native;

/// <summary>
/// The OrtApi functions this binding calls, read once by slot index from the table that
/// <c>OrtGetApiBase()->GetApi(22)</c> returns (slot numbers: reference/ortapi/ortapi_1.22.0_index_signature.tsv).
/// Handles are <c>nint</c>, <c>size_t</c> is <c>nuint</c>, C enums are <c>int</c>, strings are UTF-8 <c>byte*</c>.
/// </summary>
internal unsafe struct OrtApiTable
{
    public delegate* unmanaged[Cdecl]<nint, int> GetErrorCode;
    public delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;
    public delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv;
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    public delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> SetOptimizedModelFilePath;
    public delegate* unmanaged[Cdecl]<nint, nint> EnableMemPattern;
    public delegate* unmanaged[Cdecl]<nint, nint> DisableMemPattern;
    public delegate* unmanaged[Cdecl]<nint, nint> EnableCpuMemArena;
    public delegate* unmanaged[Cdecl]<nint, nint> DisableCpuMemArena;
    public delegate* unmanaged[Cdecl]<nint, byte*, nint> SetSessionLogId;
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionLogSeverityLevel;
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
    public delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
    public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateRunOptions;
    public delegate* unmanaged[Cdecl]<nint, nint> RunOptionsSetTerminate;
    public delegate* unmanaged[Cdecl]<nint, nint> RunOptionsUnsetTerminate;
    public delegate* unmanaged[Cdecl]<nint, long*, nuint, int, nint*, nint> CreateTensorAsOrtValue;
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData;
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
    public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
    public delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
    public delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;
    public delegate* unmanaged[Cdecl]<nint, int*, nint> GetValueType;
    public delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
    public delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;
    public delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseRunOptions;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;
    public delegate* unmanaged[Cdecl]<nint, byte*, long, nint> AddFreeDimensionOverrideByName;
    public delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;
    public delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;
    public delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public delegate* unmanaged[Cdecl]<nint, nint, nint, nint> RunWithBinding;
    public delegate* unmanaged[Cdecl]<nint, nint*, nint> CreateIoBinding;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseIoBinding;
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindInput;
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindOutput;
    public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> BindOutputToDevice;
    public delegate* unmanaged[Cdecl]<nint, nint, nint**, nuint*, nint> GetBoundOutputValues;
    public delegate* unmanaged[Cdecl]<nint, void> ClearBoundInputs;
    public delegate* unmanaged[Cdecl]<nint, void> ClearBoundOutputs;
    public delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProviderCudaV2;
    public delegate* unmanaged[Cdecl]<nint*, nint> CreateCudaProviderOptions;
    public delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateCudaProviderOptions;
    public delegate* unmanaged[Cdecl]<nint, void> ReleaseCudaProviderOptions;
    public delegate* unmanaged[Cdecl]<byte*> GetBuildInfoString;

    /// <summary>Reads every slot this binding uses from the OrtApi table at <paramref name="table"/>.</summary>
    public static OrtApiTable Read(nint* table) => new()
    {
        GetErrorCode = (delegate* unmanaged[Cdecl]<nint, int>)table[1],
        GetErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)table[2],
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)table[3],
        CreateSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)table[7],
        CreateSessionFromArray = (delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint>)table[8],
        Run = (delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[9],
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[10],
        SetOptimizedModelFilePath = (delegate* unmanaged[Cdecl]<nint, byte*, nint>)table[11],
        EnableMemPattern = (delegate* unmanaged[Cdecl]<nint, nint>)table[16],
        DisableMemPattern = (delegate* unmanaged[Cdecl]<nint, nint>)table[17],
        EnableCpuMemArena = (delegate* unmanaged[Cdecl]<nint, nint>)table[18],
        DisableCpuMemArena = (delegate* unmanaged[Cdecl]<nint, nint>)table[19],
        SetSessionLogId = (delegate* unmanaged[Cdecl]<nint, byte*, nint>)table[20],
        SetSessionLogSeverityLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[22],
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[23],
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[24],
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[25],
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[30],
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[31],
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[33],
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[34],
        SessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[36],
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[37],
        CreateRunOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[39],
        RunOptionsSetTerminate = (delegate* unmanaged[Cdecl]<nint, nint>)table[46],
        RunOptionsUnsetTerminate = (delegate* unmanaged[Cdecl]<nint, nint>)table[47],
        CreateTensorAsOrtValue = (delegate* unmanaged[Cdecl]<nint, long*, nuint, int, nint*, nint>)table[48],
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49],
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<nint, void**, nint>)table[51],
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[55],
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[56],
        GetTensorElementType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[60],
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[61],
        GetDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)table[62],
        GetSymbolicDimensions = (delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)table[63],
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[65],
        GetValueType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[67],
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)table[69],
        AllocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)table[76],
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[78],
        ReleaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)table[92],
        ReleaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)table[93],
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[94],
        ReleaseSession = (delegate* unmanaged[Cdecl]<nint, void>)table[95],
        ReleaseValue = (delegate* unmanaged[Cdecl]<nint, void>)table[96],
        ReleaseRunOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[97],
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[98],
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[99],
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[100],
        AddFreeDimensionOverrideByName = (delegate* unmanaged[Cdecl]<nint, byte*, long, nint>)table[124],
        GetAvailableProviders = (delegate* unmanaged[Cdecl]<byte***, int*, nint>)table[125],
        ReleaseAvailableProviders = (delegate* unmanaged[Cdecl]<byte**, int, nint>)table[126],
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)table[130],
        RunWithBinding = (delegate* unmanaged[Cdecl]<nint, nint, nint, nint>)table[133],
        CreateIoBinding = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[134],
        ReleaseIoBinding = (delegate* unmanaged[Cdecl]<nint, void>)table[135],
        BindInput = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)table[136],
        BindOutput = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)table[137],
        BindOutputToDevice = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint>)table[138],
        GetBoundOutputValues = (delegate* unmanaged[Cdecl]<nint, nint, nint**, nuint*, nint>)table[140],
        ClearBoundInputs = (delegate* unmanaged[Cdecl]<nint, void>)table[141],
        ClearBoundOutputs = (delegate* unmanaged[Cdecl]<nint, void>)table[142],
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged[Cdecl]<nint, nint, nint>)table[204],
        CreateCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[205],
        UpdateCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)table[206],
        ReleaseCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[208],
        GetBuildInfoString = (delegate* unmanaged[Cdecl]<byte*>)table[254],
    };
}

namespace WebDiffusion.Onnx.Native;

/// <summary>An OrtEnv (ORT reference-counts the single process environment).</summary>
internal sealed unsafe class OrtEnvHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseEnv(value);
}

/// <summary>An OrtSessionOptions.</summary>
internal sealed unsafe class OrtSessionOptionsHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseSessionOptions(value);
}

/// <summary>An OrtSession; holds a reference on the environment it was created in until released.</summary>
internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    private readonly OrtEnvHandle _env;

    /// <summary>Takes ownership of <paramref name="value"/>; the caller has already AddRef'd <paramref name="env"/>.</summary>
    public OrtSessionHandle(nint value, OrtEnvHandle env)
        : base(value) => _env = env;

    protected override void Release(nint value)
    {
        OrtNative.Api.ReleaseSession(value);
        _env.DangerousRelease();
    }
}

/// <summary>An OrtValue.</summary>
internal sealed unsafe class OrtValueHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseValue(value);
}

/// <summary>An OrtRunOptions.</summary>
internal sealed unsafe class OrtRunOptionsHandle(nint value) : OrtHandle(value)
{
    /// <summary>Creates run options.</summary>
    public static OrtRunOptionsHandle Create()
    {
        nint options;
        OrtStatus.ThrowIfFailed(OrtNative.Api.CreateRunOptions(&options));
        return new OrtRunOptionsHandle(options);
    }

    /// <summary>Asks every Run using these options to stop (called from a cancellation callback; never throws).</summary>
    public void Terminate() => OrtStatus.Release(OrtNative.Api.RunOptionsSetTerminate(handle));

    /// <summary>Clears the sticky terminate flag so the options can be reused.</summary>
    public void ResetTerminate() => OrtStatus.ThrowIfFailed(OrtNative.Api.RunOptionsUnsetTerminate(handle));

    protected override void Release(nint value) => OrtNative.Api.ReleaseRunOptions(value);
}

/// <summary>An OrtMemoryInfo.</summary>
internal sealed unsafe class OrtMemoryInfoHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseMemoryInfo(value);
}

/// <summary>An OrtIoBinding.</summary>
internal sealed unsafe class OrtIoBindingHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseIoBinding(value);
}

/// <summary>An OrtTypeInfo.</summary>
internal sealed unsafe class OrtTypeInfoHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseTypeInfo(value);
}

/// <summary>An OrtTensorTypeAndShapeInfo that the caller owns (from GetTensorTypeAndShape).</summary>
internal sealed unsafe class OrtTensorTypeAndShapeHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseTensorTypeAndShapeInfo(value);
}

/// <summary>An OrtCUDAProviderOptionsV2.</summary>
internal sealed unsafe class OrtCudaProviderOptionsHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) => OrtNative.Api.ReleaseCudaProviderOptions(value);
}

/// <summary>Memory ORT allocated with the default allocator (e.g. a name string), freed with AllocatorFree.</summary>
internal sealed unsafe class OrtAllocatedMemoryHandle(nint value) : OrtHandle(value)
{
    protected override void Release(nint value) =>
        OrtStatus.Release(OrtNative.Api.AllocatorFree(OrtNative.DefaultAllocator, (void*)value));
}

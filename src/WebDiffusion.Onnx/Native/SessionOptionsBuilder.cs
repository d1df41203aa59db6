using System.Runtime.InteropServices;

namespace WebDiffusion.Onnx.Native;

/// <summary>Turns <see cref="OrtSessionOptions"/> into a native OrtSessionOptions.</summary>
internal static unsafe class SessionOptionsBuilder
{
    /// <summary>
    /// Builds the native options. With <paramref name="withCuda"/>, appends the CUDA provider; when that fails the
    /// half-built options are released and <paramref name="cudaError"/> says why (null handle returned).
    /// </summary>
    public static OrtSessionOptionsHandle? Build(OrtSessionOptions options, bool withCuda, out OrtException? cudaError)
    {
        cudaError = null;
        ref readonly var api = ref OrtNative.Api;
        nint raw;
        OrtStatus.ThrowIfFailed(api.CreateSessionOptions(&raw));
        var handle = new OrtSessionOptionsHandle(raw);
        try
        {
            var so = raw;
            OrtStatus.ThrowIfFailed(api.SetSessionGraphOptimizationLevel(so, (int)options.GraphOptimizationLevel));
            if (options.IntraOpThreads > 0)
            {
                OrtStatus.ThrowIfFailed(api.SetIntraOpNumThreads(so, options.IntraOpThreads));
            }

            if (options.InterOpThreads > 0)
            {
                OrtStatus.ThrowIfFailed(api.SetInterOpNumThreads(so, options.InterOpThreads));
            }

            OrtStatus.ThrowIfFailed(options.EnableMemoryArena ? api.EnableCpuMemArena(so) : api.DisableCpuMemArena(so));
            OrtStatus.ThrowIfFailed(options.EnableMemoryPattern ? api.EnableMemPattern(so) : api.DisableMemPattern(so));
            if (options.LogLevel is { } level)
            {
                OrtStatus.ThrowIfFailed(api.SetSessionLogSeverityLevel(so, (int)level));
            }

            foreach (var (name, value) in options.FreeDimensionOverrides)
            {
                fixed (byte* n = Utf8.Encode(name))
                {
                    OrtStatus.ThrowIfFailed(api.AddFreeDimensionOverrideByName(so, n, value));
                }
            }

            foreach (var (key, value) in options.ConfigEntries)
            {
                fixed (byte* k = Utf8.Encode(key))
                fixed (byte* v = Utf8.Encode(value))
                {
                    OrtStatus.ThrowIfFailed(api.AddSessionConfigEntry(so, k, v));
                }
            }

            if (!string.IsNullOrEmpty(options.OptimizedModelPath))
            {
                fixed (byte* p = Utf8.EncodePath(Path.GetFullPath(options.OptimizedModelPath)))
                {
                    OrtStatus.ThrowIfFailed(api.SetOptimizedModelFilePath(so, p));
                }
            }

            if (withCuda)
            {
                cudaError = TryAppendCuda(so, options.Cuda);
                if (cudaError is not null)
                {
                    handle.Dispose();
                    return null;
                }
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static OrtException? TryAppendCuda(nint sessionOptions, CudaProviderOptions cuda)
    {
        ref readonly var api = ref OrtNative.Api;
        nint raw;
        var status = api.CreateCudaProviderOptions(&raw);
        if (status != 0)
        {
            return OrtStatus.ToException(status, "CreateCUDAProviderOptions");
        }

        using var cudaOptions = new OrtCudaProviderOptionsHandle(raw);
        var pairs = cuda.ToKeyValues();
        var keys = pairs.Select(p => Utf8.Encode(p.Key)).ToArray();
        var values = pairs.Select(p => Utf8.Encode(p.Value)).ToArray();
        var pins = new GCHandle[pairs.Count * 2];
        var keyPointers = new nint[pairs.Count];
        var valuePointers = new nint[pairs.Count];
        try
        {
            for (var i = 0; i < pairs.Count; i++)
            {
                pins[2 * i] = GCHandle.Alloc(keys[i], GCHandleType.Pinned);
                pins[(2 * i) + 1] = GCHandle.Alloc(values[i], GCHandleType.Pinned);
                keyPointers[i] = pins[2 * i].AddrOfPinnedObject();
                valuePointers[i] = pins[(2 * i) + 1].AddrOfPinnedObject();
            }

            fixed (nint* k = keyPointers)
            fixed (nint* v = valuePointers)
            {
                status = api.UpdateCudaProviderOptions(raw, (byte**)k, (byte**)v, (nuint)pairs.Count);
            }
        }
        finally
        {
            foreach (var h in pins)
            {
                if (h.IsAllocated)
                {
                    h.Free();
                }
            }
        }

        if (status != 0)
        {
            return OrtStatus.ToException(status, "UpdateCUDAProviderOptions");
        }

        status = api.SessionOptionsAppendExecutionProviderCudaV2(sessionOptions, raw);
        return status == 0 ? null : OrtStatus.ToException(status, "SessionOptionsAppendExecutionProvider_CUDA_V2");
    }
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace WebDiffusion.Onnx.Native;

/// <summary>
/// The process-wide native state: the loaded library (never unloaded: ORT keeps thread pools and
/// statics alive), its OrtApi function table, the default CPU allocator and a CPU memory info.
/// Set once by <see cref="Initialize"/>; every handle in this binding is created after that.
/// </summary>
internal static unsafe class OrtNative
{
    /// <summary>The OrtApi version requested from GetApi: the oldest library this binding accepts (1.22).</summary>
    public const uint ApiVersion = 22;

    private static readonly Lock InitLock = new();
    private static OrtApiTable _api;
    private static volatile bool _initialized;

    /// <summary>The function table (valid after <see cref="Initialize"/>).</summary>
    public static ref readonly OrtApiTable Api => ref _api;

    /// <summary>Absolute path of the loaded library, or null before the first load.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>The library's version string, e.g. "1.22.0".</summary>
    public static string Version { get; private set; } = string.Empty;

    /// <summary>The library's build info string.</summary>
    public static string BuildInfo { get; private set; } = string.Empty;

    /// <summary>ORT's default CPU allocator (owned by ORT; never released).</summary>
    public static nint DefaultAllocator { get; private set; }

    /// <summary>A CPU memory info for tensors over caller memory (lives for the process).</summary>
    public static nint CpuMemoryInfo { get; private set; }

    /// <summary>Loads the library at <paramref name="path"/> once per process and reads the function table.</summary>
    public static void Initialize(string path)
    {
        lock (InitLock)
        {
            if (_initialized)
            {
                if (!string.Equals(LoadedPath, path, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from '{LoadedPath}' in this process; cannot also load '{path}'.");
                }

                return;
            }

            var library = NativeLibrary.Load(path);
            try
            {
                InitializeFrom(library, path);
            }
            catch
            {
                NativeLibrary.Free(library);
                throw;
            }

            LoadedPath = path;
            _initialized = true;
        }
    }

    private static void InitializeFrom(nint library, string path)
    {
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBaseAddress))
        {
            throw new DllNotFoundException($"'{path}' does not export OrtGetApiBase; it is not an ONNX Runtime library.");
        }

        var getApiBase = (delegate* unmanaged[Cdecl]<nint*>)getApiBaseAddress;
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint*>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Utf8.ToStringOrEmpty(getVersion());
        if (!IsSupported(version))
        {
            throw new NotSupportedException(
                $"ONNX Runtime {version} at '{path}' is too old: WebDiffusion needs 1.22 or newer (API {ApiVersion}). " +
                "Run ./webui.sh or ./test.sh to fetch 1.22.0, or point WebDiffusion__OnnxRuntimePath at a newer library.");
        }

        var table = getApi(ApiVersion);
        if (table is null)
        {
            throw new NotSupportedException($"ONNX Runtime {version} at '{path}' refused API version {ApiVersion}.");
        }

        _api = OrtApiTable.Read(table);
        Version = version;
        BuildInfo = Utf8.ToStringOrEmpty(_api.GetBuildInfoString());

        nint allocator;
        OrtStatus.ThrowIfFailed(_api.GetAllocatorWithDefaultOptions(&allocator));
        DefaultAllocator = allocator;

        nint memoryInfo;
        OrtStatus.ThrowIfFailed(_api.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &memoryInfo));
        CpuMemoryInfo = memoryInfo;
    }

    /// <summary>Whether a version string "major.minor[.patch…]" is at least 1.22.</summary>
    public static bool IsSupported(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            && (major > 1 || (major == 1 && minor >= (int)ApiVersion));
    }
}

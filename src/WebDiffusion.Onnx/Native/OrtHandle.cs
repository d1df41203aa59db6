using System.Runtime.InteropServices;

namespace WebDiffusion.Onnx.Native;

/// <summary>
/// Base of every owning ORT handle: released exactly once by the matching <c>Release*</c> function,
/// also when only the finalizer sees it. Counts live handles so tests can detect leaks.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    private static long _live;

    protected OrtHandle(nint handle)
        : base(0, ownsHandle: true)
    {
        SetHandle(handle);
        if (handle != 0)
        {
            Interlocked.Increment(ref _live);
        }
    }

    /// <summary>Handles created and not yet released, process-wide.</summary>
    public static long LiveCount => Interlocked.Read(ref _live);

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc />
    protected sealed override bool ReleaseHandle()
    {
        Release(handle);
        Interlocked.Decrement(ref _live);
        return true;
    }

    /// <summary>Calls the ORT release function for <paramref name="value"/>.</summary>
    protected abstract void Release(nint value);
}

namespace WebDiffusion.Onnx.Package;

/// <summary>How many native-backed objects of this library (sessions, tensors, bindings, run options) are alive: a leak check for tests.</summary>
internal static class OrtLiveObjects
{
    private static long _count;

    /// <summary>Objects created and not yet disposed.</summary>
    public static long Count => Interlocked.Read(ref _count);

    public static void Created() => Interlocked.Increment(ref _count);

    public static void Released() => Interlocked.Decrement(ref _count);
}

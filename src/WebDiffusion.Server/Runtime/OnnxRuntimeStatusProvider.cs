namespace WebDiffusion.Server.Runtime;

/// <summary>Reports the ONNX Runtime version and execution providers.</summary>
public sealed class OnnxRuntimeStatusProvider
{
    /// <summary>The current status; "not loaded" until the runtime has been loaded.</summary>
    public OnnxRuntimeStatus Current { get; } = new("not loaded", null, [], null);
}

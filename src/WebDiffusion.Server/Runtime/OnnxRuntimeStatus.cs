namespace WebDiffusion.Server.Runtime;

/// <summary>What the server knows about the ONNX Runtime native library.</summary>
public sealed record OnnxRuntimeStatus(string Version, string? LibraryPath, IReadOnlyList<string> Providers, string? Error);

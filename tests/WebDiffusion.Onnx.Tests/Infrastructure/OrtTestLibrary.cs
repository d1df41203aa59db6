namespace WebDiffusion.Onnx.Tests.Infrastructure;

/// <summary>The one <see cref="OrtRuntime"/> the tests share (ONNX Runtime from the NuGet package this build links).</summary>
public static class OrtTestLibrary
{
    private static readonly Lazy<OrtRuntime> Shared = new(() => OrtRuntime.Load());

    public static OrtRuntime Runtime => Shared.Value;
}

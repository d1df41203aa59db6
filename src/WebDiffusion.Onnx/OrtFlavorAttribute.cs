namespace WebDiffusion.Onnx;

/// <summary>Stamped on this assembly by the build: the <see cref="OrtFlavor"/> it was compiled for.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class OrtFlavorAttribute(string flavor) : Attribute
{
    /// <summary>"Cpu" or "Cuda".</summary>
    public string Flavor { get; } = flavor;

    /// <summary>The flavour of this build.</summary>
    public static OrtFlavor Current { get; } =
        typeof(OrtFlavorAttribute).Assembly.GetCustomAttributes(typeof(OrtFlavorAttribute), false) is [OrtFlavorAttribute attribute, ..]
        && Enum.TryParse<OrtFlavor>(attribute.Flavor, ignoreCase: true, out var flavor)
            ? flavor
            : OrtFlavor.Cpu;
}

namespace WebDiffusion.Core.Upscaling;

/// <summary>The activation of an <c>SRVGGNetCompact</c> (Real-ESRGAN's <c>act_type</c>).</summary>
public enum SrvggActivation
{
    /// <summary>PReLU with one weight per feature (stored as <c>body.{odd}.weight</c>; every published Real-ESRGAN compact model).</summary>
    PRelu,

    /// <summary>LeakyReLU with slope 0.1 (no weights).</summary>
    LeakyRelu,

    /// <summary>ReLU (no weights).</summary>
    Relu,
}

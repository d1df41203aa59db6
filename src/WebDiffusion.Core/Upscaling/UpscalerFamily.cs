namespace WebDiffusion.Core.Upscaling;

/// <summary>The ESRGAN-family network a model file holds, told apart by its keys.</summary>
public enum UpscalerFamily
{
    /// <summary>BasicSR/Real-ESRGAN <c>RRDBNet</c> (keys <c>conv_first</c>, <c>body.N.rdbK.convJ</c>, …).</summary>
    RrdbNet,

    /// <summary>The original ESRGAN <c>RRDBNet</c> layout (keys <c>model.0</c>, <c>model.1.sub.N.RDBK.convJ.0</c>, …).</summary>
    RrdbNetOld,

    /// <summary>Real-ESRGAN <c>SRVGGNetCompact</c> (keys <c>body.N</c> only).</summary>
    SrvggNetCompact,
}

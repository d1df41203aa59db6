namespace WebDiffusion.Core.Infotext.Metadata;

/// <summary>The tool that most likely wrote an image's generation metadata.</summary>
public enum MetadataTool
{
    /// <summary>No generation metadata found.</summary>
    None,

    /// <summary>Metadata present but of no known tool.</summary>
    Unknown,

    /// <summary>AUTOMATIC1111 stable-diffusion-webui (A1111 infotext).</summary>
    Automatic1111,

    /// <summary>Forge / Forge classic (A1111 infotext with a Forge version).</summary>
    Forge,

    /// <summary>SD.Next (A1111-style infotext with <c>App: SD.Next</c>).</summary>
    SdNext,

    /// <summary>ComfyUI (<c>prompt</c> / <c>workflow</c> JSON).</summary>
    ComfyUI,

    /// <summary>InvokeAI (<c>invokeai_metadata</c>, <c>sd-metadata</c> or <c>Dream</c>).</summary>
    InvokeAI,

    /// <summary>NovelAI (<c>Software: NovelAI</c>, <c>Comment</c> JSON, <c>Description</c> prompt).</summary>
    NovelAI,

    /// <summary>Fooocus (JSON in <c>parameters</c>, <c>fooocus_scheme</c>).</summary>
    Fooocus,
}

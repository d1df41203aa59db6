namespace WebDiffusion.Server.SdApi;

/// <summary>What happened to the current model.</summary>
public enum ModelLifecycleChange
{
    /// <summary>Another model (or none) was selected.</summary>
    Selected,

    /// <summary>The weights should be released.</summary>
    Unloaded,

    /// <summary>The weights may be loaded again.</summary>
    Reloaded,
}

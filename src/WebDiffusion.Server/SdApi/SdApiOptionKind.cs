namespace WebDiffusion.Server.SdApi;

/// <summary>The JSON type an /sdapi option accepts.</summary>
public enum SdApiOptionKind
{
    /// <summary>A whole number (2 and 2.0 are both accepted).</summary>
    Integer,

    /// <summary>Any number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A string, optionally one of a fixed list.</summary>
    String,
}

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

    /// <summary>A JSON array (A1111's multi-select options: quicksettings_list, hide_samplers, …).</summary>
    List,

    /// <summary>Any JSON value (options whose A1111 default is None).</summary>
    Any,
}

namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>A1111's <c>emphasis</c> option: how token weights act on the text encoder's output.</summary>
public enum EmphasisMode
{
    /// <summary>Multiply each token's hidden state by its weight, then restore the chunk's original mean (A1111 default).</summary>
    Original,

    /// <summary>Multiply only.</summary>
    NoNorm,

    /// <summary>Parse the brackets but do not apply weights.</summary>
    Ignore,

    /// <summary>Brackets are literal text: no emphasis parsing at all.</summary>
    None,
}

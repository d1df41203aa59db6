namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>Settings of <see cref="ConditioningBuilder"/> (A1111 option names in brackets).</summary>
public sealed record ConditioningOptions
{
    /// <summary>How weights apply [<c>emphasis</c>]; default Original.</summary>
    public EmphasisMode Emphasis { get; init; } = EmphasisMode.Original;

    /// <summary>Comma backtrack distance [<c>comma_padding_backtrack</c>], 0–74; default 20.</summary>
    public int CommaPaddingBacktrack { get; init; } = 20;

    /// <summary>CLIP layers to stop at from the end [<c>CLIP_stop_at_last_layers</c>]; 1 = last layer.</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>A1111's old prompt-editing timeline [<c>use_old_scheduling</c>].</summary>
    public bool UseOldScheduling { get; init; }

    /// <summary>Distinct texts encoded per builder before its cache is emptied (bounds memory for alternation).</summary>
    public int MaxCachedTexts { get; init; } = 256;
}

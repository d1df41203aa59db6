namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>A1111's names of the <c>emphasis</c> option values ("Original", "No norm", "Ignore", "None").</summary>
public static class EmphasisModeNames
{
    /// <summary>The names, in A1111's order.</summary>
    public static IReadOnlyList<string> All { get; } = ["None", "Ignore", "Original", "No norm"];

    /// <summary>A1111's name of <paramref name="mode"/>.</summary>
    public static string Name(EmphasisMode mode) => mode switch
    {
        EmphasisMode.Original => "Original",
        EmphasisMode.NoNorm => "No norm",
        EmphasisMode.Ignore => "Ignore",
        EmphasisMode.None => "None",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown emphasis mode."),
    };

    /// <summary>The mode named <paramref name="name"/> (exact A1111 spelling), or null.</summary>
    public static EmphasisMode? Parse(string? name) => name switch
    {
        "Original" => EmphasisMode.Original,
        "No norm" => EmphasisMode.NoNorm,
        "Ignore" => EmphasisMode.Ignore,
        "None" => EmphasisMode.None,
        _ => null,
    };

    /// <summary>
    /// A1111's "Emphasis" infotext value: the mode's name when it is not Original and one of <paramref name="prompts"/>
    /// contains <c>(</c> or <c>[</c>; null otherwise.
    /// </summary>
    public static string? Infotext(EmphasisMode mode, params ReadOnlySpan<string?> prompts)
    {
        if (mode == EmphasisMode.Original)
        {
            return null;
        }

        foreach (var prompt in prompts)
        {
            if (prompt is not null && prompt.AsSpan().IndexOfAny('(', '[') >= 0)
            {
                return Name(mode);
            }
        }

        return null;
    }
}

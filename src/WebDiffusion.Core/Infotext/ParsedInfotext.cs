namespace WebDiffusion.Core.Infotext;

/// <summary>The result of <see cref="InfotextParser.Parse"/>.</summary>
/// <param name="Prompt">The prompt (lines before "Negative prompt:").</param>
/// <param name="NegativePrompt">The negative prompt, or empty.</param>
/// <param name="Parameters">
/// The parameter line's pairs in file order, unquoted; <c>WxH</c> values split into <c>Key-1</c>/<c>Key-2</c> as A1111 does.
/// </param>
public sealed record ParsedInfotext(string Prompt, string NegativePrompt, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    /// <summary>The value of <paramref name="key"/> (last one wins, as in A1111's dict), or null.</summary>
    public string? this[string key]
    {
        get
        {
            string? found = null;
            foreach (var (k, v) in Parameters)
            {
                if (string.Equals(k, key, StringComparison.Ordinal))
                {
                    found = v;
                }
            }

            return found;
        }
    }
}
